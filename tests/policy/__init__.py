"""Tests (a package, so the shared helpers import as ``tests.helpers``)."""

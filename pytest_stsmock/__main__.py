"""``python -m pytest_stsmock serve ...``: the standalone STS endpoint (see :mod:`.server`)."""

from __future__ import annotations

import sys

from .server import main

if __name__ == "__main__":
    sys.exit(main())

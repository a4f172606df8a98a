"""The hardened parser names the first offence of a document, whichever scan found it."""

from __future__ import annotations

import threading

import pytest

from pytest_stsmock.backend.federation import safexml

CASES = {
    b'<r><a ID="x"/><b Id="x"/></r>': "the ID 'x' appears twice",
    b'<r ID="y"><a ID="y"/></r>': "the ID 'y' appears twice",
    b"<r><a>1<!-- c -->2</a></r>": "a comment, processing instruction or entity",
    b"<r><?pi data?></r>": "a comment, processing instruction or entity",
    b'<r><!-- first --><a ID="z"/><b ID="z"/></r>': "a comment",
    b'<r><a ID="w"/><b ID="w"/><!-- later --></r>': "the ID 'w' appears twice",
    b"<!-- c --><r/>": "around its root",
    b"<r/><?pi?>": "around its root",
}


@pytest.mark.parametrize("document", sorted(CASES))
def test_each_offence_is_named(document: bytes) -> None:
    with pytest.raises(safexml.UnsafeXml, match=CASES[document]):
        safexml.parse(document)


def test_ids_in_namespaces_or_lower_case_are_not_ids_here() -> None:
    root = safexml.parse(b'<r xmlns:n="urn:n" ID="a"><a n:ID="a"/><b id="a"/></r>')
    assert root.get("ID") == "a"


def test_each_thread_parses_with_its_own_parser() -> None:
    seen: list[object] = []

    def parse() -> None:
        safexml.parse(b"<r/>")
        seen.append(safexml.thread_parser())

    threads = [threading.Thread(target=parse) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    safexml.parse(b"<r/>")
    assert len({id(p) for p in [*seen, safexml.thread_parser()]}) == 3

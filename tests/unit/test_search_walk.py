"""A common filter text walks the queue's index row by row: it must show the same rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from botui.domain import queue, search
from botui.domain import reads as reads_module
from botui.domain.service import Service
from tests.conftest import NOW

from .helpers import new_backorder, open_demo

QUERIES = ("Garcia", "an", "TENT", "BO-1", "so-10", "nobody-has-this", "e", "50%")


def _pages(spec: queue.QueueSpec) -> list[list[str]]:
    """Every page of the spec by keyset, plus the last rows, as the window reads them."""
    pages, after = [], None
    while True:
        rows = queue.page(spec, NOW, 7, after=after)
        pages.append([r.id for r in rows])
        if len(rows) < 7:
            break
        after = rows[-1].key(spec.sort)
    pages.append([r.id for r in queue._last(spec, NOW, 5)])
    return pages


@pytest.fixture(autouse=True)
def _every_match_is_common(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "COMMON", 1)


@pytest.mark.parametrize("view", ["open", "late", "closed", "all"])
def test_walking_finds_the_same_rows_as_listing_every_match(
    db_path: Path | str, monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    db = open_demo(db_path, count=400, seed=2)
    with db.connection_context():
        for text in QUERIES:
            for sort in queue.SORTS:
                spec = queue.QueueSpec(view, sort, sort == "ship", text)
                with monkeypatch.context() as listing:
                    listing.setattr(search, "is_common", lambda db, text, **_: False)
                    listed = _pages(spec)
                walked = _pages(spec)
                assert walked == listed, (view, sort, text)
        assert search.is_common(db, "BO-1")
        assert search.is_common(db, "an")  # too short for the index: walked
        assert not any(search.is_common(db, text) for text in ("50%", "nobody-has-this"))


def test_the_api_list_walks_to_the_same_pages(
    db_path: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_demo(db_path, count=300, seed=4)
    api = Service(db)

    def every_page(payload: dict[str, object]) -> list[list[str]]:
        pages, after = [], None
        while True:
            answer = api.list({**payload, "limit": 9, **({"after": after} if after else {})})
            pages.append([b.id for b in answer.data])
            if answer.next is None:
                return pages
            after = answer.next

    for payload in ({"query": "Garcia"}, {"query": "bo-2", "status": "pending"}, {"query": "x"}):
        walked = every_page(payload)
        with monkeypatch.context() as listing:
            listing.setattr(reads_module, "is_common", lambda db, text: False)
            assert every_page(payload) == walked, payload


def test_the_open_views_find_what_the_whole_index_finds_among_open_backorders(
    db_path: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL keeps the open backorders' texts apart (migration 0009): through a new
    backorder, a rename, a supplier order, a cancel and a delete they stay those the whole
    index holds."""
    db = open_demo(db_path, count=300, seed=5)
    api = Service(db)

    def found(view: str, text: str) -> set[str]:
        spec = queue.QueueSpec(view, text=text)
        rows = [r for r in queue.page(spec, NOW, 10_000) if view != "all" or r.status in OPEN]
        return {r.id for r in rows}

    def same(text: str) -> set[str]:
        with db.connection_context():
            walked = found("open", text)
            with monkeypatch.context() as listing:
                listing.setattr(search, "is_common", lambda db, text, **_: False)
                listed = found("open", text)
                assert walked == listed == found("all", text), text
        return walked

    OPEN = queue.statuses.OPEN_STATUSES
    with db.connection_context():
        rows = queue.page(queue.QueueSpec("open", sort="created"), NOW, 4)
    first, second, third, fourth = rows
    api.update_customer({"id": first.customer_id, "name": "Quentin Quuxley"})
    assert first.id in same("quuxley")
    api.confirm({"id": second.id, "supplierOrder": "SO-XYZZY-9"})
    assert same("xyzzy-9") == {second.id}
    api.cancel({"id": third.id, "reason": "test"})
    assert third.id not in same(third.id)
    assert same(fourth.id) == {fourth.id}
    api.delete({"id": fourth.id})
    assert same(fourth.id) == set()
    refs = {"product": first.product_id, "business": first.business_id}
    made = new_backorder(api, {**refs, "customer": first.customer_id})["id"]
    assert made in same("quentin quuxley")

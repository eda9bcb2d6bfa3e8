"""The queue's view counts, its narrowing to a column's value and its sort by status."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from queue_shop import COUNTS, NOW, TRIAGE, build_queue_shop
from queue_shop import shown_ids as ids

from botui.domain import queue
from botui.domain.queue import QueueSpec
from botui.store.db import open_database
from tests import postgres


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[Path | str]:
    with postgres.database(engine, tmp_path_factory.mktemp("queue-shop"), "shop.db") as path:
        build_queue_shop(path)
        yield path


@pytest.fixture
def db(shop: Path | str):
    database = open_database(shop)
    with database.connection_context():
        yield database
    database.close()


def test_every_view_is_counted(db) -> None:
    assert queue.view_counts(QueueSpec(), NOW) == COUNTS


def test_counts_follow_the_narrowing_but_not_the_view_sort_or_text(db) -> None:
    spec = QueueSpec("late", "ship", True, "tent", customer="CUS-1")
    assert queue.view_counts(spec, NOW) == {
        "open": 2,
        "pending": 1,
        "late": 1,
        "ready": 0,
        "closed": 2,
        "all": 4,
    }


@pytest.mark.parametrize(
    ("narrowing", "counts"),
    [
        ({"customer": "CUS-2"}, [3, 1, 1, 2, 0, 3]),
        ({"product": "PRD-1"}, [3, 2, 2, 1, 1, 4]),
        ({"business": "BIZ-2"}, [3, 1, 1, 1, 0, 3]),
        ({"status": "pending"}, [3, 3, 1, 0, 0, 3]),
        ({"status": "fulfilled"}, [0, 0, 0, 0, 1, 1]),
        ({"priority": "rush"}, [2, 1, 2, 1, 0, 2]),
        ({"priority": "standard", "business": "BIZ-1"}, [2, 1, 0, 1, 1, 3]),
        ({"customer": "CUS-9"}, [0, 0, 0, 0, 0, 0]),
    ],
)
def test_each_narrowing_counts_its_rows_in_every_view(
    db, narrowing: dict[str, str], counts: list[int]
) -> None:
    found = queue.view_counts(QueueSpec(**narrowing), NOW)
    assert list(found.values()) == counts
    for view, expected in found.items():  # the count and the rows agree
        assert len(ids(QueueSpec(view, **narrowing))) == expected, view


def test_a_customer_view_shows_every_status_in_triage_order(db) -> None:
    assert ids(QueueSpec("all", customer="CUS-1")) == ["A1", "A3", "A2", "A4"]
    assert ids(QueueSpec("open", customer="CUS-1")) == ["A1", "A2"]
    assert ids(QueueSpec("closed", customer="CUS-1")) == ["A3", "A4"]


def test_narrowings_combine_with_each_other_the_view_and_the_text_filter(db) -> None:
    assert ids(QueueSpec("all", customer="CUS-1", status="cancelled")) == ["A4"]
    assert ids(QueueSpec("all", customer="CUS-2", text="lantern")) == ["G3"]
    assert ids(QueueSpec("open", product="PRD-2", business="BIZ-2")) == ["M1", "A2"]
    assert ids(QueueSpec("pending", priority="expedited")) == ["M1"]
    assert ids(QueueSpec("open", status="cancelled")) == []


def test_a_row_names_its_value_in_each_column(db) -> None:
    (row,) = queue.rows_by_id(["M1"]).values()
    values = {column: row.narrowing(column) for column in queue.NARROWINGS}
    assert values == {
        "customer": "CUS-3",
        "product": "PRD-2",
        "business": "BIZ-2",
        "status": "pending",
        "priority": "expedited",
    }
    narrowed = QueueSpec("all", **values)
    assert ids(narrowed) == ["M1"]
    assert narrowed.scoped and not narrowed.unscoped().scoped
    assert narrowed.unscoped() == QueueSpec("all")


def test_the_sort_by_status_follows_a_backorders_life_triage_within(db) -> None:
    life = ["A1", "M1", "G1", "A2", "G3", "G2", "A3", "A4"]
    assert ids(QueueSpec("all", "status")) == life
    assert ids(QueueSpec("all", "status", True)) == life[::-1]
    assert ids(QueueSpec("open", "status")) == life[:6]
    assert ids(QueueSpec("closed", "status", customer="CUS-1")) == ["A3", "A4"]


@pytest.mark.parametrize("descending", [False, True])
def test_the_sort_by_status_reads_the_same_rows_from_either_end_and_the_middle(
    db, descending: bool
) -> None:
    spec = QueueSpec("all", "status", descending)
    every = ids(spec)
    assert [r.id for r in queue._last(spec, NOW, 3)] == every[-3:]
    for offset in range(len(every)):
        assert [r.id for r in queue.rows_at(spec, NOW, offset, 3, len(every))] == every[
            offset : offset + 3
        ]
        assert queue.offset_of(spec, NOW, every[offset]) == offset
    sixth = queue.rows_by_id([every[5]])[every[5]]
    before = queue.page(spec, NOW, 2, before=sixth.key("status"))
    assert [r.id for r in before] == every[3:5]


def test_triage_order_of_the_whole_shop(db) -> None:
    assert ids(QueueSpec("all")) == TRIAGE
    assert ids(replace(QueueSpec("all"), customer="CUS-3")) == ["M1"]

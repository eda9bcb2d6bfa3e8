"""`botui api get` answers from SQLite without the Service only when the answer is the Service's.

domain.quick reads one backorder without pydantic or peewee (issue 12: start-up speed). These
tests hold it to the Service: the same JSON for every row of a demo shop (splits, refunds,
cancellations, metadata of every kind), and no answer at all (so the Service answers, with its
own refusal) for anything it is not sure of. The CLI tests check that `botui api` never loads
the UI, and that `get` loads neither pydantic nor peewee.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from botui.demo import fill_demo
from botui.domain import quick
from botui.domain.service import Service, call
from botui.store.db import open_database

from .runner import botui, env

# The fast read is SQLite's own (a file opened without peewee); on PostgreSQL `botui api get`
# is always the Service's, which the other modules test on both engines.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Service, Path]:
    path = tmp_path / "shop.db"
    db = open_database(path)
    service = Service(db)
    fill_demo(db, count=300, seed=3)
    yield service, path
    db.close()


def _ids(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM backorder ORDER BY seq")]


def test_every_demo_backorder_reads_as_the_service_answers(shop: tuple[Service, Path]) -> None:
    service, path = shop
    ids = _ids(path)
    assert len(ids) >= 300
    for backorder in ids:
        expected = call(service, "get", {"id": backorder})
        answer = quick.get(path, {"id": backorder})
        assert answer == expected
        assert list(answer) == list(expected)  # the same order of fields, so the same bytes


def test_metadata_of_every_kind_and_nulls_read_the_same(
    service: Service, refs: dict[str, str], db_path: Path
) -> None:
    metadata = {"f": 1.5, "n": None, "b": True, "big": 2**62, "s": "Zoë\ttab", "e": -0.0}
    made = service.create({**refs, "quantity": 2, "price": 100, "metadata": metadata})
    plain = service.create({**{k: refs[k] for k in ("product", "business", "customer")},
                            "quantity": 1, "price": 0})  # fmt: skip
    for backorder in (made.id, plain.id):
        answer = quick.get(db_path, {"id": backorder})
        assert answer == call(service, "get", {"id": backorder})
    assert quick.get(db_path, {"id": made.id})["metadata"] == metadata


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"id": 5},
        {"id": "BO-1", "extra": 1},
        {"Id": "BO-1"},
        {"id": "no spaces"},
        {"id": ""},
        {"id": "x" * 65},
        {"id": None},
        ["BO-1"],
        "BO-1",
        None,
    ],
)
def test_any_other_input_is_left_to_the_service(shop: tuple[Service, Path], payload) -> None:
    _, path = shop
    assert quick.get(path, payload) is None


def test_an_unknown_id_is_left_to_the_service(shop: tuple[Service, Path]) -> None:
    _, path = shop
    assert quick.get(path, {"id": "BO-999999"}) is None


def test_no_database_is_left_to_the_service(tmp_path: Path) -> None:
    assert quick.get(tmp_path / "missing.db", {"id": "BO-1"}) is None
    assert quick.get(tmp_path, {"id": "BO-1"}) is None
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert quick.get(junk, {"id": "BO-1"}) is None


def test_an_old_schema_is_left_to_the_service(shop: tuple[Service, Path]) -> None:
    """The Service migrates it first (and a read-only old one is refused there)."""
    _, path = shop
    assert quick.get(path, {"id": "BO-1"}) is not None
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DELETE FROM schema_migration WHERE name = '0008_report_indexes'")
    assert quick.get(path, {"id": "BO-1"}) is None
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DROP TABLE schema_migration")
    assert quick.get(path, {"id": "BO-1"}) is None


def test_a_read_only_or_world_writable_file_is_left_to_the_service(
    shop: tuple[Service, Path],
) -> None:
    _, path = shop
    mode = path.stat().st_mode
    try:
        path.chmod(0o444)
        assert quick.get(path, {"id": "BO-1"}) is None
        path.chmod(0o666)  # the Service drops o+w from its own file first
        assert quick.get(path, {"id": "BO-1"}) is None
    finally:
        path.chmod(mode & 0o777)
    assert quick.get(path, {"id": "BO-1"}) is not None


@pytest.mark.parametrize("hook", ["BOTUI_BUSY_TIMEOUT_MS", "BOTUI_MAX_PAGES"])
def test_a_test_hook_in_the_environment_is_left_to_the_service(
    shop: tuple[Service, Path], hook: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = shop
    monkeypatch.setenv(hook, "nonsense")  # the Service refuses it in words
    assert quick.get(path, {"id": "BO-1"}) is None


def test_a_value_the_service_would_convert_is_left_to_it(shop: tuple[Service, Path]) -> None:
    """SQLite stores what it is given: text in a number column, a status no action sets."""
    _, path = shop
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE backorder SET quantity = 'seven' WHERE id = 'BO-1'")
        conn.execute("UPDATE backorder SET metadata = '[1]' WHERE id = 'BO-2'")
        conn.execute("UPDATE backorder SET metadata = '{\"x\": NaN}' WHERE id = 'BO-3'")
    for backorder in ("BO-1", "BO-2", "BO-3"):
        assert quick.get(path, {"id": backorder}) is None
    assert quick.get(path, {"id": "BO-4"}) is not None


# -- the command --------------------------------------------------------------------------


def _imported(*args: str, db: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules `botui ARGS` imports (from -X importtime), and how it ended."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "botui", *args, "--db", str(db)],
        env={**env(), "XDG_CONFIG_HOME": str(db.parent)},
        capture_output=True,
        text=True,
    )
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, done


def _top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_api_get_loads_neither_the_ui_nor_pydantic_nor_peewee(
    shop: tuple[Service, Path],
) -> None:
    service, path = shop
    names, done = _imported("api", "get", '{"id": "BO-2"}', db=path)
    assert done.returncode == 0, done.stderr[-500:]
    assert "botui.cli" in names  # the measure works
    assert not _top(names) & {"textual", "rich", "pydantic", "peewee", "playhouse"}
    assert done.stdout.strip().startswith('{"id": "BO-2"')
    assert botui("api", "get", '{"id": "BO-2"}', "--db", str(path)).json == call(
        service, "get", {"id": "BO-2"}
    )


def test_api_never_loads_the_ui(shop: tuple[Service, Path]) -> None:
    _, path = shop
    for args in (("api", "list", "{}"), ("api", "get", '{"id": "nope"}'), ("api", "confrim")):
        names, done = _imported(*args, db=path)
        assert "botui.cli" in names
        assert not _top(names) & {"textual"}, args
        assert "Traceback" not in done.stderr


def test_api_get_refusals_are_the_services(shop: tuple[Service, Path]) -> None:
    """What the fast read leaves alone is answered in the contract's shape."""
    _, path = shop
    missing = botui("api", "get", '{"id": "BO-999999"}', "--db", str(path))
    assert missing.status == 2 and missing.error["code"] == "not_found"
    extra = botui("api", "get", '{"id": "BO-1", "x": 1}', "--db", str(path))
    assert extra.status == 2 and extra.error["field"] == "x"
    hook = botui("api", "get", '{"id": "BO-1"}', "--db", str(path), BOTUI_MAX_PAGES="x")
    assert hook.status == 2 and hook.error["field"] == "BOTUI_MAX_PAGES"
    assert os.path.exists(path)

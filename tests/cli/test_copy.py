"""`botui copy --from SRC --to DST`: a whole shop moved between SQLite and PostgreSQL and back
keeps every row, id, event, outbox entry and counter, and the ids go on after the copied ones."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest

from botui.domain.delivery import MAX_ATTEMPTS
from botui.domain.service import Service
from botui.store.db import MIGRATIONS_DIR, open_database
from tests.conftest import DAY, wait_for
from tests.postgres import connect, fresh_database
from tests.postgres import query as run_sql
from tests.postgres import schema_of as schema
from tests.test_migrations import FIRST_SCHEMA_ROWS, blank, older_database

from .runner import BOTUI, NOW, Result, api, botui, dump, env

# Every table a copy carries (the search index and schema_migration are the engine's own).
TABLES = (
    "business",
    "customer",
    "product",
    "orders",
    "backorder",
    "event",
    "notification",
    "refund",
    "receipt",
    "import_source",
    "counter",
    "meta",
)
IMPORT_CSV = (
    "id,productSku,productName,customerEmail,customerName,businessName,quantity,price,"
    "orderNumber,metadata.note\n"
    'web-1,STOVE-1,Camp stove,wang@example.com,王芳,Northwind,1,4550,SO-2,"gift wrap,\nplease"\n'
    "web-2,TENT-2P,,ada@example.com,,Northwind,2,24900,,\n"
)


def build_shop(path: Path) -> None:
    """A shop with a row of every kind, made through the service and `botui import`."""
    db = open_database(path)
    shop = Service(db)
    shop.create_business({"id": "BIZ-1", "name": "Northwind"})
    shop.create_customer(
        {"id": "CUS-1", "name": "Zoë Ünal", "email": "zoe@example.com", "phone": "+44 20 7946 0000"}
    )
    shop.create_customer({"id": "CUS-2", "name": "Ada Lovelace", "email": "ada@example.com"})
    shop.create_product({"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"})
    shop.create_product({"id": "PRD-2", "sku": "LAMP", "name": "Straße lamp", "stockOnHand": 1})
    shop.create_order(
        {"id": "ORD-1", "number": "SO-1001", "customer": "CUS-1", "business": "BIZ-1"}
    )

    def create(product: str, customer: str, quantity: int, **more: Any) -> str:
        fields = {"product": product, "customer": customer, "business": "BIZ-1"}
        return shop.create(fields | {"quantity": quantity, "price": 4999} | more).id

    first = create(
        "PRD-1", "CUS-1", 2, order="ORD-1", priorityLevel="rush", supplierOrder="PO-77",
        metadata={"channel": "web", "note": "line one\nline two"},
    )  # fmt: skip
    lamp = create("PRD-2", "CUS-2", 1)
    cancelled = create("PRD-1", "CUS-2", 3)
    fourth = create("PRD-1", "CUS-1", 1)
    shop.confirm({"id": lamp})
    shop.fulfill({"id": lamp})
    shop.receive_inventory({"product": "PRD-1", "quantity": 2, "receipt": "RCV-1"})
    shop.cancel({"id": cancelled, "reason": "changed mind"})
    shop.update_estimate({"id": first, "estimatedShipDate": NOW + 3 * DAY})
    for backorder, channel in ((first, "email"), (fourth, "sms"), (lamp, "email"), (first, "sms")):
        shop.notify_customer({"id": backorder, "channel": channel, "message": f"About {backorder}"})
    sent, failed, claimed, tried = (entry.id for entry in shop.outbox({"limit": 10}).data)
    shop.mark_sent({"id": sent})
    for _ in range(MAX_ATTEMPTS):
        shop.record_outbox_attempt(failed, "550 no such mailbox")
    shop.claim_outbox(claimed, ["email", "sms"])
    shop.record_outbox_attempt(tried, "421 try later")
    db.close()
    csv = path.with_name("orders.csv")
    csv.write_text(IMPORT_CSV, encoding="utf-8")
    assert botui("import", str(csv), "--db", str(path)).status == 0
    # The newest backorder deleted: the next one must not take its number again.
    last = api(path, "list", {}).json["data"]
    newest = max(last, key=lambda b: int(b["id"].split("-")[1]))
    assert api(path, "delete", {"id": newest["id"]}).status == 0


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    build_shop(path)
    rows = dump(path)
    for table in TABLES:
        assert rows[table], f"the shop has no {table} row to copy"
    assert {r[6] for r in rows["notification"]} == {"sent", "failed", "queued"}
    return path


def copy(source: Path | str, dest: Path | str) -> Result:
    return botui("copy", "--from", str(source), "--to", str(dest))


def copied(source: Path | str, dest: Path | str) -> dict[str, Any]:
    done = copy(source, dest)
    assert done.status == 0, done.stderr
    assert done.stderr == ""
    return done.json


def export(db: Path | str) -> str:
    done = botui("export", "--db", str(db), "--format", "jsonl")
    assert done.status == 0, done.stderr
    return done.stdout


def answer(db: Path | str, action: str, payload: Any = None) -> Any:
    done = api(db, action, payload)
    assert done.status == 0, done.stderr
    return done.json


def views(db: Path | str) -> dict[str, Any]:
    """What a user sees of the shop: its export, every events page, the outbox, searches."""
    seen: dict[str, Any] = {"export": export(db), "events": []}
    since = 0
    while page := answer(db, "events", {"since": since, "limit": 7})["data"]:
        seen["events"].append(page)
        since = page[-1]["id"]
    seen["outbox"] = answer(db, "outbox", {"limit": 100})
    for query in ("ZOË", "STRASSE", "so-10", "po-77", "王芳", "camp"):
        seen[query] = [b["id"] for b in answer(db, "list", {"query": query})["data"]]
    return seen


def pg_rows(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def pg_one(url: str, query: str) -> Any:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


def search_index(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT seq, body FROM backorder_search ORDER BY seq").fetchall()


def search_index_by_triggers(url: str) -> list[tuple]:
    """The search index as the destination's own trigger writes it (an update of order_id
    has it rewrite every row's text), rolled back afterwards."""
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE backorder SET order_id = order_id")
        rows = conn.execute("SELECT seq, body FROM backorder_search ORDER BY seq").fetchall()
        conn.rollback()
    return rows


def open_search_index(url: str) -> list[tuple]:
    """The open backorders' texts (migration 0009), and those the whole index holds of them."""
    with psycopg.connect(url) as conn:
        kept = conn.execute("SELECT seq, body FROM backorder_search_open ORDER BY seq").fetchall()
        wanted = conn.execute(
            "SELECT s.seq, s.body FROM backorder_search s JOIN backorder b ON b.seq = s.seq"
            " WHERE b.is_open = 1 ORDER BY s.seq"
        ).fetchall()
    return [kept, wanted]


def test_sqlite_to_postgres_and_back_keeps_everything(shop: Path, tmp_path: Path) -> None:
    before = views(shop)
    assert all(before[q] for q in ("ZOË", "STRASSE", "so-10", "po-77", "王芳", "camp"))
    back = tmp_path / "back.db"
    with fresh_database() as url:
        summary = copied(shop, url)
        counts = {t: len(rows) for t, rows in dump(shop).items()}
        assert summary["copied"]["backorders"] == counts["backorder"]
        assert summary["copied"]["events"] == counts["event"]
        assert summary["copied"]["outbox"] == counts["notification"] == 4
        assert summary["to"] == url and summary["from"] == str(shop)
        assert views(url) == before
        assert pg_rows(url) == {t: dump(shop)[t] for t in TABLES}
        assert pg_one(url, "SELECT count(*) FROM backorder_search") == counts["backorder"]
        assert search_index(url) == search_index_by_triggers(url)
        kept, wanted = open_search_index(url)
        assert kept == wanted and len(kept) > 0
        analyzed = "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = "
        assert pg_one(url, analyzed + "'backorder'")  # statistics gathered for the planner
        copied(url, back)
    assert views(back) == before
    original, returned = dump(shop), dump(back)
    for table in (*TABLES, "sqlite_sequence"):
        assert returned[table] == original[table], table


def test_ids_go_on_after_the_copied_ones(shop: Path) -> None:
    rows = dump(shop)
    last_event = max(r[0] for r in rows["event"])
    generators = dict(rows["sqlite_sequence"])
    counter = dict(rows["counter"])["backorder"]
    new = {"product": "PRD-1", "customer": "CUS-1", "business": "BIZ-1", "quantity": 1}
    new |= {"price": 100}
    with fresh_database() as url:
        copied(shop, url)
        created = answer(url, "create", new)
        assert created["id"] == f"BO-{counter + 1}"
        seq = pg_one(url, f"SELECT seq FROM backorder WHERE id = '{created['id']}'")
        # The deleted newest backorder's number is not taken again.
        assert seq == generators["backorder"] + 1 > max(r[0] for r in rows["backorder"])
        searched = f"SELECT count(*) FROM backorder_search WHERE seq = {seq}"
        assert pg_one(url, searched) == 1  # the search trigger is back after the copy
        events = answer(url, "events", {"since": last_event})["data"]
        assert [e["type"] for e in events] == ["created"]
        assert events[0]["id"] > last_event
        answer(url, "notifyCustomer", {"id": created["id"], "channel": "email", "message": "Hi"})
        entry = answer(url, "outbox", {"limit": 100})["data"][-1]
        assert entry["id"] == generators["notification"] + 1
        # ... and back to SQLite: the same there.
        with fresh_database() as again:
            copied(url, again)
            assert answer(again, "create", new)["id"] == f"BO-{counter + 2}"


def test_sqlite_to_a_new_sqlite_file_goes_on_from_the_same_numbers(
    shop: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    copied(shop, other)
    # The source is read as it is: no -wal or -shm file is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv", "other.db", "shop.db"]
    new = {"product": "PRD-1", "customer": "CUS-1", "business": "BIZ-1", "quantity": 1}
    made = answer(other, "create", new | {"price": 100})
    assert made["id"] == f"BO-{dict(dump(shop)['counter'])['backorder'] + 1}"
    with closing(sqlite3.connect(other)) as conn:
        seq = conn.execute("SELECT seq FROM backorder WHERE id = ?", (made["id"],)).fetchone()[0]
    assert seq == dict(dump(shop)["sqlite_sequence"])["backorder"] + 1


def test_a_destination_holding_a_record_is_refused_and_unchanged(
    shop: Path, tmp_path: Path
) -> None:
    with fresh_database() as url:
        answer(url, "business.create", {"id": "BIZ-9", "name": "Someone else"})
        before = pg_rows(url)
        done = copy(shop, url)
        assert done.status == 2
        error = done.error
        assert error["code"] == "conflict" and error["field"] == "to"
        assert "already holds 1 business:" in error["message"]
        assert pg_rows(url) == before
    target = tmp_path / "full.db"
    copied(shop, target)
    before_file = dump(target)
    done = copy(shop, target)
    assert done.status == 2 and done.error["code"] == "conflict"
    assert dump(target) == before_file


def test_a_copy_that_fails_half_way_leaves_the_destination_empty(shop: Path) -> None:
    # PostgreSQL's text cannot hold NUL, SQLite's can: the last event is refused by the
    # destination after every record before it was written.
    with closing(sqlite3.connect(shop)) as conn:
        conn.execute(
            "INSERT INTO event (type, backorder_id, at, actor, data) VALUES (?, ?, ?, ?, ?)",
            ("noted", "BO-1", NOW, "bad\x00actor", "{}"),
        )
        conn.commit()
    with fresh_database() as url:
        empty = pg_rows(url)
        done = copy(shop, url)
        assert done.status == 1
        error = done.error
        assert error["code"] == "storage_error"
        assert "events" in error["message"] and "nothing was copied" in error["message"]
        assert pg_rows(url) == empty
        assert answer(url, "list", {})["data"] == []


def test_a_failed_copy_into_a_new_file_leaves_no_file(tmp_path: Path) -> None:
    with fresh_database() as url:
        answer(url, "business.create", {"id": "BIZ-1", "name": "Northwind"})
        with psycopg.connect(url) as conn:  # SQLite refuses it: no such business
            conn.execute("ALTER TABLE orders DROP CONSTRAINT orders_business_id_fkey")
            conn.execute(
                "INSERT INTO customer (id, name) VALUES ('CUS-1', 'Ada');"
                "INSERT INTO orders (id, customer_id, business_id, placed_at)"
                f" VALUES ('ORD-1', 'CUS-1', 'BIZ-404', {NOW})"
            )
        target = tmp_path / "new.db"
        done = copy(url, target)
    assert done.status == 1 and done.error["code"] == "storage_error"
    assert "orders" in done.error["message"]
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_same_database_twice_is_refused(shop: Path) -> None:
    before = dump(shop)
    done = copy(shop, shop.parent / "." / shop.name)
    assert done.status == 2
    assert done.error["code"] == "validation_error" and done.error["field"] == "to"
    assert dump(shop) == before
    with fresh_database() as url:
        answer(url, "business.create", {"id": "BIZ-1", "name": "Northwind"})
        done = copy(url, "postgres://" + url.removeprefix("postgresql://"))
        assert done.status == 2 and done.error["code"] == "validation_error"


def test_a_missing_source_is_a_storage_error_and_makes_nothing(tmp_path: Path) -> None:
    done = copy(tmp_path / "nowhere.db", tmp_path / "new.db")
    assert done.status == 1 and done.error["code"] == "storage_error"
    assert "no database file" in done.error["message"]
    assert list(tmp_path.iterdir()) == []
    with fresh_database() as url:
        missing = url.replace("/botui_t", "/botui_missing_t")
        done = copy(missing, tmp_path / "new.db")
        assert done.status == 1 and done.error["code"] == "storage_error"
        assert "does not exist" in done.error["message"]
    assert list(tmp_path.iterdir()) == []


def test_copy_is_in_the_help() -> None:
    done = botui("--help")
    assert "copy" in done.stdout and "botui copy --from" in done.stdout
    usage = botui("copy", "--help")
    assert "--from" in usage.stdout and "--to" in usage.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo shop large enough that a copy takes a while (20,000 backorders)."""
    path = tmp_path_factory.mktemp("copy-demo") / "demo.db"
    assert botui("demo", "--count", "20000", "--db", str(path)).status == 0
    return path


def stopped(source: Path, dest: Path | str, started: Callable[[], bool]) -> Result:
    """`botui copy` killed (SIGTERM) once `started()` says rows are going in."""
    run = subprocess.Popen(
        [BOTUI, "copy", "--from", str(source), "--to", str(dest)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
    )

    def copying() -> bool:
        assert run.poll() is None, "the copy ended before it could be stopped"
        return started()

    wait_for(copying, "rows going in", timeout=60)
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=60)
    return Result(run.returncode, out.decode(), err.decode())


def test_a_copy_killed_half_way_leaves_postgresql_without_records(demo: Path) -> None:
    with fresh_database() as url:
        name = url.partition("?")[0].rsplit("/", 1)[1]
        copying_rows = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'COPY%%'"
        )

        def started() -> bool:
            with psycopg.connect(url) as conn:
                return conn.execute(copying_rows, (name,)).fetchone()[0] > 0

        done = stopped(demo, url, started)
        assert done.status == 1 and done.error["code"] == "storage_error"
        assert "interrupted" in done.error["message"]
        assert answer(url, "list", {})["data"] == []
        assert all(rows == [] for table, rows in pg_rows(url).items() if table != "meta")


def test_a_copy_killed_half_way_leaves_no_new_file(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    wal = Path(f"{target}-wal")
    done = stopped(demo, target, lambda: wal.exists() and wal.stat().st_size > 1_000_000)
    assert done.status == 1 and done.error["code"] == "storage_error"
    assert list(tmp_path.iterdir()) == []


# A refused copy changes nothing: not the source's schema (never made or upgraded by a copy),
# not the destination's (upgraded only once it is known to hold no records).
OLDER = "0004_event_no_replace"


def make_older(db: Path | str, rows: bool) -> None:
    """Give a blank database the schema of an older botui (migrations 0001 to 0004), and,
    if `rows`, a record of every kind that schema has, as that botui would have written."""
    older_database(db, OLDER, FIRST_SCHEMA_ROWS if rows else [])


def test_a_source_of_an_older_schema_is_refused_and_left_as_it_was(
    engine: str, tmp_path: Path
) -> None:
    with blank(engine, tmp_path, "old.db") as source:
        make_older(source, rows=True)
        before, rows = schema(source), dump(source)
        raw = source.read_bytes() if engine == "sqlite" else b""
        assert before["applied"][-1] == OLDER
        target = tmp_path / "new.db"
        with fresh_database() as url:
            empty = pg_rows(url)
            for dest in (target, url):
                done = copy(source, dest)
                assert done.status == 1, done.stderr
                error = done.error
                assert error["code"] == "storage_error"
                assert (
                    "older botui" in error["message"] and "0005_folded_search" in error["message"]
                )
                assert "botui api list --db" in error["message"]
            assert pg_rows(url) == empty
        assert schema(source) == before and dump(source) == rows
        assert engine != "sqlite" or source.read_bytes() == raw
        assert not target.exists()
        # Upgraded by botui as the message says, it is copied.
        assert answer(source, "get", {"id": "BO-OLD"})["quantity"] == 4
        assert copied(source, target)["copied"]["backorders"] == 1


def test_a_source_of_a_newer_botui_is_refused(engine: str, tmp_path: Path) -> None:
    """A schema upgrade this botui does not know may hold what it would not carry across."""
    with blank(engine, tmp_path, "newer.db") as source:
        open_database(source).close()
        with connect(source) as db:
            run_sql(
                db,
                "INSERT INTO schema_migration (name, applied) VALUES (?, ?)",
                "9999_later",
                "2030-01-01",
            )
        done = copy(source, tmp_path / "new.db")
        assert done.status == 1 and done.error["code"] == "storage_error"
        assert "newer botui" in done.error["message"] and "9999_later" in done.error["message"]
        assert not (tmp_path / "new.db").exists()


def test_a_source_without_botui_tables_is_refused_and_left_empty(
    engine: str, tmp_path: Path
) -> None:
    with blank(engine, tmp_path) as source:
        target = tmp_path / "new.db"
        done = copy(source, target)
        assert done.status == 1
        assert done.error["code"] == "storage_error"
        assert "not a botui database" in done.error["message"]
        assert "--from" in done.error["message"]
        assert schema(source) == {"indexes": []}
        assert not target.exists()
        if engine == "sqlite":
            assert source.stat().st_size == 0


def test_a_destination_of_an_older_schema_holding_records_is_refused_before_its_upgrade(
    engine: str, shop: Path, tmp_path: Path
) -> None:
    with blank(engine, tmp_path, "old.db") as dest:
        make_older(dest, rows=True)
        before, rows = schema(dest), dump(dest)
        done = copy(shop, dest)
        assert done.status == 2
        error = done.error
        assert error["code"] == "conflict" and error["field"] == "to"
        assert "1 backorder," in error["message"] and "nothing was changed" in error["message"]
        assert schema(dest) == before and dump(dest) == rows


def test_an_empty_destination_of_an_older_schema_is_upgraded_and_filled(
    engine: str, shop: Path, tmp_path: Path
) -> None:
    with blank(engine, tmp_path, "old.db") as dest:
        make_older(dest, rows=False)
        copied(shop, dest)
        assert schema(dest)["applied"] == sorted(p.stem for p in MIGRATIONS_DIR.glob("0*.py"))
        ours, theirs = dump(dest), dump(shop)
        assert {t: ours[t] for t in TABLES} == {t: theirs[t] for t in TABLES}
        assert export(dest) == export(shop)


def test_an_index_holding_a_percent_sign_is_rebuilt_by_a_copy_into_postgresql(
    shop: Path,
) -> None:
    """The copy sets the destination's indexes aside and replays their definitions: a `%`
    in one (a partial index on a LIKE pattern, a name) is the text's own, not a placeholder."""
    with fresh_database() as url:
        with psycopg.connect(url) as conn:
            conn.execute("""CREATE INDEX "customer_100%" ON customer (name) WHERE name LIKE 'A%'""")
        indexes = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        with psycopg.connect(url) as conn:
            before = sorted(conn.execute(indexes).fetchall())
        assert "customer_100%" in dict(before)
        summary = copied(shop, url)
        assert summary["copied"]["customers"] == len(dump(shop)["customer"])
        with psycopg.connect(url) as conn:
            assert sorted(conn.execute(indexes).fetchall()) == before
        assert answer(url, "list", {"query": "ada"})["data"]

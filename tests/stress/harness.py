"""Several botui processes on one database: random writers, event-log followers, and the checks.

Writers and followers are forked children that talk to the parent over raw pipes, one short
line per message (writes under PIPE_BUF are atomic, so a SIGKILL never leaves half a message).
A writer reports an action only after the service returned, that is after the commit.
The database is a SQLite file or a PostgreSQL URL: the checks read it with engine-neutral SQL.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.store.db import open_database
from tests.postgres import connect, query

# A SQLite file or a PostgreSQL URL.
Target = Path | str

PRODUCTS = ("PRD-A", "PRD-B", "PRD-C")
# The event each acknowledged action must have left, by action.
EVENT_OF = {
    "create": "created",
    "update": "updated",
    "confirm": "confirmed",
    "fulfill": "fulfilled",
    "cancel": "cancelled",
    "updateEstimate": "estimateUpdated",
    "notifyCustomer": "customerNotified",
    "delete": "deleted",
}
VERSION_EVENTS = ("updated", "confirmed", "fulfilled", "cancelled", "estimateUpdated")
RANK = {"rush": 0, "expedited": 1, "standard": 2}


def prepare(path: Target) -> None:
    """A fresh database with the reference records the workers share (no stock yet)."""
    db = open_database(path)
    service = Service(db)
    service.create_business({"id": "BIZ-1", "name": "Northwind"})
    service.create_customer(
        {"id": "CUS-1", "name": "Ada", "email": "ada@example.com", "phone": "+44 1"}
    )
    for product in PRODUCTS:
        service.create_product({"id": product, "sku": f"SKU-{product}", "name": product})
    db.close()


# -- children ---------------------------------------------------------------------------------


def _send(fd: int, *parts: Any) -> None:
    os.write(fd, (json.dumps(parts) + "\n").encode())


class Writer:
    """Random actions through the service, each acknowledged on the pipe once committed."""

    def __init__(self, service: Service, name: str, fd: int, rnd: random.Random) -> None:
        self.service, self.name, self.fd, self.rnd = service, name, fd, rnd
        self.known: list[str] = []
        self.serial = 0
        self.tag = f"{name}-{os.getpid()}"

    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def _target(self) -> str:
        if not self.known or self.rnd.random() < 0.05:
            page = self.service.list({"limit": 200, "status": self.rnd.choice(["pending", None])})
            self.known = [b.id for b in page.data] or self.known
        return self.rnd.choice(self.known) if self.known else "none"

    def step(self) -> None:
        rnd, n = self.rnd, self._next()
        roll = rnd.random()
        if roll < 0.25:
            backorder_id = f"{self.tag}-{n}"
            self.act(
                "create",
                backorder_id,
                {
                    "id": backorder_id,
                    "product": rnd.choice(PRODUCTS),
                    "business": "BIZ-1",
                    "customer": "CUS-1",
                    "quantity": rnd.randint(1, 5),
                    "price": rnd.choice([0, 1250, 4999]),
                    "priorityLevel": rnd.choice(list(RANK)),
                },
            )
            self.known.append(backorder_id)
        elif roll < 0.40:
            receipt = f"R-{self.tag}-{n}"
            payload = {"product": rnd.choice(PRODUCTS), "quantity": rnd.randint(1, 8)}
            payload["receipt"] = receipt
            self.service.receive_inventory(payload)
            _send(self.fd, "receipt", receipt)
        elif roll < 0.45:
            self.service.list({"limit": 20, "query": rnd.choice(["w1", "PRD", "x"])})
        else:
            self.act_on_existing(self._target(), n)

    def act_on_existing(self, target: str, n: int) -> None:
        """One action on a backorder; every value it sends is unique, so each success changes
        something and must leave exactly one event."""
        rnd = self.rnd
        kind = rnd.choice(
            ["confirm"] * 4
            + ["fulfill"] * 4
            + ["cancel", "update", "update", "updateEstimate", "notifyCustomer", "delete", "get"]
        )
        payload: dict[str, Any] = {"id": target}
        if rnd.random() < 0.2:
            payload["version"] = self.service.get({"id": target}).version
        if kind == "get":
            self.service.get({"id": target})
            return
        if kind == "fulfill" and rnd.random() < 0.3:
            payload["quantity"] = 1
        elif kind == "cancel":
            payload["reason"] = f"reason {n}\nfrom {self.name}"
        elif kind == "update":
            payload["metadata"] = {"serial": n, "by": self.tag}
            if rnd.random() < 0.3:
                payload["quantity"] = rnd.randint(1, 5)
        elif kind == "updateEstimate":
            payload["estimatedShipDate"] = 1_800_000_000 + (os.getpid() % 100_000) * 100_000 + n
        elif kind == "notifyCustomer":
            payload.update(channel=rnd.choice(["email", "sms"]), message=f"{self.tag} note {n}")
        self.act(kind, target, payload)

    def act(self, action: str, backorder_id: str, payload: dict[str, Any]) -> None:
        method = {
            "create": self.service.create,
            "update": self.service.update,
            "confirm": self.service.confirm,
            "fulfill": self.service.fulfill,
            "cancel": self.service.cancel,
            "updateEstimate": self.service.update_estimate,
            "notifyCustomer": self.service.notify_customer,
            "delete": self.service.delete,
        }[action]
        method(payload)
        _send(self.fd, "ack", action, backorder_id)


def writer_main(fd: int, path: Target, name: str, seconds: float, seed: int) -> None:
    """A writer process: random actions until the time is up (or until it is killed)."""
    os.environ["BOTUI_ACTOR"] = name
    service = Service(open_database(path))
    writer = Writer(service, name, fd, random.Random(seed))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            writer.step()
        except BotuiError as error:
            if "database is locked" in error.message:
                _send(fd, "crash", f"raw SQLite message reached the user: {error.message}")
            _send(fd, "refused", error.code)
        except Exception:  # the harness reports any escape instead of dying silently
            _send(fd, "crash", traceback.format_exc()[-3000:])
    _send(fd, "done")


def follower_main(fd: int, path: Target, stop_fd: int, folder: str) -> None:
    """Follow the event log by id until told the last id, then report every id seen, in order."""
    service = Service(open_database(path))
    seen: list[int] = []
    last, final = 0, None
    while final is None or last < final:
        page = service.events({"since": last, "limit": 1000}).data
        seen.extend(event.id for event in page)
        if page:
            last = page[-1].id
        elif final is None and select.select([stop_fd], [], [], 0.05)[0]:
            final = int(os.read(stop_fd, 64).decode())
    with open(os.path.join(folder, f"follower-{os.getpid()}.json"), "w") as out:
        json.dump(seen, out)
    _send(fd, "followed", len(seen))


# -- the parent -------------------------------------------------------------------------------


@dataclass
class Child:
    pid: int
    fd: int
    buffer: bytes = b""
    messages: list[list[Any]] = field(default_factory=list)
    closed: bool = False

    def pump(self) -> None:
        """Read what is in the pipe (non-blocking) into whole messages."""
        chunk = os.read(self.fd, 65536)
        if not chunk:
            self.closed = True
            return
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        self.messages.extend(json.loads(line) for line in lines)


def fork(target, *args: Any) -> Child:
    """Run `target(fd, *args)` in a forked child that writes its messages to the pipe `fd`."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.close(read_fd)
            target(write_fd, *args)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return Child(pid, read_fd)


def pump_until_closed(children: list[Child], timeout: float) -> None:
    """Collect every child's messages until all pipes close (the children exited)."""
    deadline = time.monotonic() + timeout
    while any(not c.closed for c in children):
        open_fds = {c.fd: c for c in children if not c.closed}
        ready, _, _ = select.select(list(open_fds), [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            raise TimeoutError("children did not finish in time")
        for fd in ready:
            open_fds[fd].pump()
    for child in children:
        os.close(child.fd)
        os.waitpid(child.pid, 0)


@dataclass
class Report:
    """What a run did and what the workers were told."""

    acks: Counter = field(default_factory=Counter)
    receipts: set[str] = field(default_factory=set)
    outcomes: Counter = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    followed: list[list[int]] = field(default_factory=list)

    def absorb(self, child: Child, actor: str | None = None) -> None:
        for message in child.messages:
            kind = message[0]
            if kind == "ack":
                self.acks[(actor, EVENT_OF[message[1]], message[2])] += 1
                self.outcomes[message[1]] += 1
            elif kind == "receipt":
                self.receipts.add(message[1])
                self.outcomes["receiveInventory"] += 1
            elif kind == "refused":
                self.outcomes[f"refused:{message[1]}"] += 1
            elif kind == "crash":
                self.crashes.append(message[1])

    @property
    def actions(self) -> int:
        return sum(self.outcomes.values())


def max_event_id(path: Target) -> int:
    with connect(path) as con:
        return _rows(con, "SELECT coalesce(max(id), 0) FROM event")[0][0]


def run_concurrently(path: Target, writers: int, followers: int, seconds: float) -> Report:
    """`writers` random writers and `followers` log followers on one database for `seconds`."""
    with tempfile.TemporaryDirectory(prefix="botui-followers-") as folder:
        return _run_concurrently(path, writers, followers, seconds, folder)


def _run_concurrently(
    path: Target, writers: int, followers: int, seconds: float, folder: str
) -> Report:
    stops = [os.pipe() for _ in range(followers)]
    follow = []
    for read_stop, _ in stops:
        follow.append(fork(follower_main, path, read_stop, folder))
    write = [fork(writer_main, path, f"w{i}", seconds, 1000 + i) for i in range(1, writers + 1)]
    pump_until_closed(write, timeout=seconds + 120)
    final = max_event_id(path)
    for _, write_stop in stops:
        os.write(write_stop, str(final).encode())
    pump_until_closed(follow, timeout=120)
    report = Report()
    for i, child in enumerate(write, start=1):
        report.absorb(child, f"w{i}")
    for child in follow:
        report.absorb(child)
        dump = Path(folder, f"follower-{child.pid}.json")
        report.followed.append(json.loads(dump.read_text()))
        dump.unlink()
    for read_stop, write_stop in stops:
        os.close(read_stop)
        os.close(write_stop)
    return report


def kill_writers(path: Target, kills: int, seed: int) -> tuple[Report, int]:
    """Start a writer and SIGKILL it at a random moment, `kills` times; the acks and kills done."""
    rnd = random.Random(seed)
    report = Report()
    done = 0
    for round_ in range(kills):
        child = fork(writer_main, path, "w1", 3600.0, seed + round_)
        time.sleep(rnd.uniform(0.02, 0.35))
        os.kill(child.pid, signal.SIGKILL)
        pump_until_closed([child], timeout=60)
        report.absorb(child, "w1")
        done += 1
    return report, done


# -- the checks -------------------------------------------------------------------------------


def _rows(con: Any, sql: str, *args: Any) -> list[tuple]:
    return query(con, sql, *args)


def invariants(con: Any) -> list[str]:
    """What must hold in every committed state; a list of the violations found."""
    problems: list[str] = []
    # What deleted fulfilled backorders had shipped, by product (read in Python: the engines'
    # JSON functions differ).
    shipped_deleted: Counter = Counter()
    for (data,) in _rows(con, "SELECT data FROM event WHERE type = 'deleted'"):
        last = json.loads(data)
        if last.get("status") == "fulfilled":
            shipped_deleted[last.get("product")] += last.get("allocatedQuantity") or 0
    for product, free in _rows(con, "SELECT id, stock_on_hand FROM product"):
        received = _rows(
            con, "SELECT coalesce(sum(quantity), 0) FROM receipt WHERE product_id = ?", product
        )[0][0]
        held = _rows(
            con,
            "SELECT coalesce(sum(allocated_quantity), 0) FROM backorder"
            " WHERE product_id = ? AND (is_open = 1 OR status = 'fulfilled')",
            product,
        )[0][0]
        shipped_then_deleted = shipped_deleted[product]
        if free + held + shipped_then_deleted != received:
            problems.append(
                f"{product}: free {free} + allocated/shipped {held + shipped_then_deleted}"
                f" != received {received}"
            )
        short = _rows(
            con,
            "SELECT count(*) FROM backorder WHERE product_id = ? AND is_open = 1"
            " AND allocated_quantity < quantity",
            product,
        )[0][0]
        if free > 0 and short:
            problems.append(f"{product}: {free} units free while {short} backorders lack units")
    for bid, status, version, price, metadata in _rows(
        con, "SELECT id, status, version, price, metadata FROM backorder"
    ):
        kinds = Counter(
            t for (t,) in _rows(con, "SELECT type FROM event WHERE backorder_id = ?", bid)
        )
        if kinds["created"] != 1:
            problems.append(f"{bid}: {kinds['created']} created events")
        raised = sum(kinds[t] for t in VERSION_EVENTS)
        split = "splitFrom" in json.loads(metadata)
        if version != 1 + raised:
            problems.append(f"{bid}: version {version} but {raised} version-raising events")
        wanted = {"fulfilled": "fulfilled", "cancelled": "cancelled"}.get(status)
        if status in ("confirmed", "in-production", "in-transit") and not split:
            wanted = "confirmed"
        if wanted and not kinds[wanted]:
            problems.append(f"{bid}: status {status} without a {wanted} event")
        refunded = _rows(con, "SELECT 1 FROM refund WHERE backorder_id = ?", bid)
        if status == "cancelled" and price > 0 and not refunded:
            problems.append(f"{bid}: cancelled at price {price} without a refund")
        if kinds["deleted"]:
            problems.append(f"{bid}: still present after a deleted event")
    return problems


def strict_priority(con: Any) -> list[str]:
    """Each allocation run (consecutive inventoryArrived events of one source) went in order."""
    order: dict[str, tuple] = {
        bid: (RANK[level], created, bid)
        for bid, level, created in _rows(
            con, "SELECT id, priority_level, created_at FROM backorder"
        )
    }
    for (data,) in _rows(con, "SELECT data FROM event WHERE type = 'deleted'"):
        last = json.loads(data)
        order[last["id"]] = (RANK[last["priorityLevel"]], last["createdAt"], last["id"])
    problems, previous = [], None
    for event_id, bid, data in _rows(
        con, "SELECT id, backorder_id, data FROM event WHERE type = 'inventoryArrived' ORDER BY id"
    ):
        source = json.loads(data)
        key = (source.get("receipt"), source.get("releasedBy"), event_id)
        same_run = previous and previous[0][:2] == key[:2] and previous[0][2] == event_id - 1
        if same_run and not previous[1] < order[bid]:
            problems.append(f"event {event_id}: {bid} was served after a later backorder")
        previous = (key, order[bid])
    return problems


def acknowledged_missing(con: Any, report: Report) -> list[str]:
    """Every acknowledged action left exactly its event; every acknowledged receipt is stored."""
    found: Counter = Counter()
    for actor, kind, bid, data in _rows(
        con, "SELECT actor, type, backorder_id, data FROM event WHERE actor LIKE 'w%'"
    ):
        if kind in EVENT_OF.values() and "splitFrom" not in json.loads(data):
            found[(actor, kind, bid)] += 1
    problems = [
        f"acknowledged {kind} of {bid} by {actor}: {n} acks, {found[(actor, kind, bid)]} events"
        for (actor, kind, bid), n in report.acks.items()
        if found[(actor, kind, bid)] < n
    ]
    stored = {r for (r,) in _rows(con, "SELECT receipt FROM receipt WHERE receipt IS NOT NULL")}
    problems += [f"acknowledged receipt {r} is missing" for r in report.receipts - stored]
    return problems


def integrity(path: Target) -> str:
    """SQLite's own check of the file; PostgreSQL has none to ask (its pages are the server's,
    checksummed and WAL-logged), so "ok" there."""
    if not isinstance(path, Path):
        return "ok"
    with connect(path) as con:
        return _rows(con, "PRAGMA integrity_check")[0][0]


def check(path: Target, report: Report, *, exact: bool) -> dict[str, Any]:
    """Every check of the database after a run; `exact` also refuses events nobody acknowledged."""
    with connect(path) as con:
        problems = invariants(con) + strict_priority(con) + acknowledged_missing(con, report)
        if exact:
            found = Counter(
                (actor, kind, bid)
                for actor, kind, bid, data in _rows(
                    con, "SELECT actor, type, backorder_id, data FROM event WHERE actor LIKE 'w%'"
                )
                if kind in EVENT_OF.values() and "splitFrom" not in json.loads(data)
            )
            extra = found - report.acks
            problems += [f"unacknowledged event {key} x{n}" for key, n in extra.items()]
        ids = [i for (i,) in _rows(con, "SELECT id FROM event ORDER BY id")]
    for n, seen in enumerate(report.followed, start=1):
        if seen != ids:
            problems.append(f"follower {n} saw {len(seen)} events, the log holds {len(ids)}")
    return {"problems": problems, "events": len(ids), "integrity": integrity(path)}

"""`make bench`: `botui api --batch` against one `botui api` process per action, same run.

Both write the same kind of line (a `create` with metadata, each its own transaction) into the
same fresh database, with the installed `botui` command as a script would run it; the figure is
lines per second, and the ratio says how many times faster the batch is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH_LINES = 3_000
PROCESSES = 40
NOW = 1_790_000_000
ENV = {**os.environ, "BOTUI_NOW": str(NOW), "BOTUI_ACTOR": "bench"}
BOTUI = shutil.which("botui", path=str(Path(sys.executable).parent)) or "botui"
SHOP = [
    {"action": "business.create", "input": {"id": "BIZ-1", "name": "Northwind"}},
    {"action": "customer.create", "input": {"id": "CUS-1", "name": "Ada", "email": "a@x.example"}},
    {"action": "product.create", "input": {"id": "PRD-1", "sku": "TENT", "name": "Tent"}},
]


def create(backorder_id: str) -> dict:
    """One `create` input, as an import script would send it."""
    return {
        "id": backorder_id,
        "product": "PRD-1",
        "business": "BIZ-1",
        "customer": "CUS-1",
        "quantity": 2,
        "price": 4999,
        "estimatedShipDate": NOW + 86_400,
        "metadata": {"channel": "web"},
    }


def batch(db: Path, requests: list[dict]) -> float:
    """Seconds for one `botui api --batch` run of `requests`, checked line by line."""
    stdin = "".join(json.dumps(r) + "\n" for r in requests).encode()
    started = time.perf_counter()
    done = subprocess.run(
        [BOTUI, "api", "--batch", "--db", str(db)], input=stdin, capture_output=True, env=ENV
    )
    elapsed = time.perf_counter() - started
    answers = done.stdout.decode().splitlines()
    if done.returncode != 0 or len(answers) != len(requests):
        raise SystemExit(f"the batch failed (exit {done.returncode}): {done.stderr.decode()}")
    return elapsed


def one_process_each(db: Path, inputs: list[dict]) -> float:
    """Seconds for one `botui api create` process per input, one after another."""
    started = time.perf_counter()
    for payload in inputs:
        done = subprocess.run(
            [BOTUI, "api", "create", "--db", str(db), json.dumps(payload)],
            capture_output=True,
            env=ENV,
        )
        if done.returncode != 0:
            raise SystemExit(f"botui api create failed: {done.stderr.decode()}")
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        batch(db, SHOP)
        print(
            f"api --batch: {BATCH_LINES:,} create lines; one process per action: {PROCESSES}"
            " creates (same database)…",
            flush=True,
        )
        requests = [
            {"action": "create", "input": create(f"BO-B{i}"), "ref": i} for i in range(BATCH_LINES)
        ]
        batch_seconds = batch(db, requests)
        process_seconds = one_process_each(db, [create(f"BO-P{i}") for i in range(PROCESSES)])
    batch_rate = BATCH_LINES / batch_seconds
    process_rate = PROCESSES / process_seconds
    print(f"{'':28} {'lines':>7} {'seconds':>9} {'lines/s':>9}")
    print(f"{'botui api --batch':28} {BATCH_LINES:>7,} {batch_seconds:>9.2f} {batch_rate:>9,.0f}")
    print(
        f"{'one botui api per action':28} {PROCESSES:>7,} {process_seconds:>9.2f}"
        f" {process_rate:>9,.1f}"
    )
    print(f"ratio (batch / one process per action): {batch_rate / process_rate:,.0f}x")


if __name__ == "__main__":
    main()

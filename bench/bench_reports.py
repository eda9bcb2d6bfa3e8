"""`make bench`: each `botui report NAME --format json` as a whole process, 100 and 1,000,000 rows.

The target is under a second per report on a million backorders, Python's start-up included.
Each report runs once untimed first (it brings the database up to the current schema, building
the report indexes of migration 0008 on a cache made before them, and warms the OS page cache),
then RUNS times in fresh processes; the median counts. Same cached demo databases as bench.py;
`--engine postgres` times them in their PostgreSQL copies (made once, as bench.py makes them).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import ENV, LARGE, SMALL, database, pg_database

BOTUI = shutil.which("botui", path=str(Path(sys.executable).parent)) or "botui"

REPORTS = ("aging", "products", "service")
RUNS = 5
TARGET_SECONDS = 1.0


def seconds(db: str, name: str) -> tuple[float, int]:
    """Median wall time of `botui report NAME` in a fresh process, and its row count."""
    times, rows = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        done = subprocess.run(
            [BOTUI, "report", name, "--db", db, "--format", "json"],
            env=ENV,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"botui report {name} failed: {done.stderr}")
        rows = len(json.loads(done.stdout)["rows"])
    return statistics.median(times), rows


def main() -> None:
    engine = sys.argv[sys.argv.index("--engine") + 1] if "--engine" in sys.argv else "sqlite"
    small_db, large_db = str(database(SMALL)), str(database(LARGE))
    if engine == "postgres":
        small_db, large_db = pg_database(SMALL), pg_database(LARGE)
    for db in (small_db, large_db):
        for name in REPORTS:
            subprocess.run([BOTUI, "report", name, "--db", db], env=ENV, capture_output=True)
    sizes = f"{f'{SMALL:,} s':>9} {f'{LARGE:,} s':>13}"
    print(f"reports on {engine}, median of {RUNS} fresh processes")
    print(f"{'report':10} {sizes} {'ratio':>6} {'rows':>7}  target")
    for name in REPORTS:
        small, _ = seconds(small_db, name)
        large, rows = seconds(large_db, name)
        verdict = "ok" if large < TARGET_SECONDS else "MISSED"
        print(
            f"{name:10} {small:>9.3f} {large:>13.3f} {large / small:>5.2f}x {rows:>7,}"
            f"  < {TARGET_SECONDS:.0f} s {verdict}"
        )


if __name__ == "__main__":
    main()

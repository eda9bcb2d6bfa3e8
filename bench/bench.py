"""`make bench`: the app's cost at 100 and at 1,000,000 backorders, against the targets.

Builds (once, cached in bench/cache/) two demo databases with the same seed and frozen clock,
then measures the real app under `App.run_test()` at 120x40 in a fresh process per run
(bench/measure_app.py), takes the median of a few runs, and prints each figure for both sizes
with the ratio 1,000,000 / 100. The naive baseline, Textual's DataTable fed the first 100,000
rows whole (bench/baseline.py), runs in the same session.

`--engine postgres` measures the same on PostgreSQL: the cached demo files are copied once
(`botui copy`) into databases of the private server (scripts/pg_server.py) and kept there.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
SMALL, LARGE = 100, 1_000_000
BASELINE_ROWS = 100_000
RUNS = 5
SEED = 7
NOW = 1_790_000_000  # the clock of the cached data, so no backorder turns late between runs
RATIO_TARGET = 1.5
STALL_TARGET = 0.050
COUNTS_TARGET = 1.0  # seconds from the first row to every view's count on the bar
ENV = {**os.environ, "BOTUI_NOW": str(NOW), "BOTUI_ACTOR": "bench"}


def database(count: int) -> Path:
    """The cached demo database of `count` backorders, built first if it is missing."""
    path = CACHE / f"demo-{count}-seed{SEED}.db"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    building = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    print(f"building {path.name} ({count:,} backorders)…", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "botui", "demo", "--db", str(building), "--count", str(count)]
        + ["--seed", str(SEED)],
        env=ENV,
        check=True,
    )
    if Path(f"{building}-wal").exists():
        raise SystemExit(f"{building}-wal was left behind: the build did not finish cleanly")
    building.rename(path)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def pg_database(count: int) -> str:
    """The URL of the PostgreSQL copy of the cached demo of `count` backorders (made once)."""
    import importlib.util

    import psycopg

    spec = importlib.util.spec_from_file_location("pg_server", HERE.parent / "scripts/pg_server.py")
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    admin_url = server.ensure()
    name = f"botui_bench_{count}_seed{SEED}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            source = database(count)
            building = name + "_building"
            admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{building}"')
            print(f"copying {source.name} into PostgreSQL ({count:,} backorders)…", flush=True)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "botui", "copy", "--from", str(source)]
                + ["--to", server.url(building)],
                env=ENV,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            print(f"  copied in {time.perf_counter() - started:.0f} s", flush=True)
    return server.url(name)


def filter_query(path: Path) -> str:
    """A surname a user would type: that of the first customer in the small queue."""
    code = (
        "import sys; from botui.store.db import SQLITE;"
        "c = SQLITE.connect(sys.argv[1]);"
        'print(c.execute("SELECT c.name FROM backorder b JOIN customer c ON c.id = b.customer_id'
        ' WHERE b.is_open = 1 ORDER BY b.priority_rank, b.created_at, b.id").fetchone()[0])'
    )
    name = subprocess.run(
        [sys.executable, "-c", code, str(path)], env=ENV, check=True, capture_output=True, text=True
    ).stdout.strip()
    return name.split()[-1]


def run(script: str, *args: str) -> dict[str, Any]:
    """One measurement in a fresh process; its JSON figures (a failed run is tried again once)."""
    for attempt in (1, 2):
        done = subprocess.run(
            [sys.executable, str(HERE / script), *args], env=ENV, capture_output=True, text=True
        )
        if done.returncode == 0:
            return json.loads(done.stdout.strip().splitlines()[-1])
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"  {script} {' '.join(args)} failed (try {attempt}): {why}", flush=True)
    raise SystemExit(f"{script} failed twice; see the message above")


def median_of_runs(path: Path, query: str) -> dict[str, float]:
    runs = [run("measure_app.py", str(path), query) for _ in range(RUNS)]
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def _ms(seconds: float) -> str:
    if seconds < 0.01:  # G is a few ms: whole ms hid a quarter of it
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _mb(size: float) -> str:
    return f"{size / 2**20:,.0f} MB"


def table(small: dict[str, float], large: dict[str, float], query: str) -> list[str]:
    """The printed table: each figure at both sizes, the ratio and the verdict."""
    lines = [
        f"{'figure':34} {f'{SMALL:,} rows':>12} {f'{LARGE:,} rows':>16} {'ratio':>7}  target",
    ]
    figures = [
        ("first row on screen", "first_row", _ms),
        (f"filter {query!r}: result shown", "filter", _ms),
        ("filter by a whole backorder id", "id_filter", _ms),
        ("G: last row shown", "last_row", _ms),
        ("resident memory after first paint", "rss", _mb),
    ]
    for label, key, show in figures:
        ratio = large[key] / small[key]
        verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
        lines.append(
            f"{label:34} {show(small[key]):>12} {show(large[key]):>16} {ratio:>7.2f}"
            f"  <= {RATIO_TARGET} {verdict}"
        )
    small_counts, large_counts = small["counts"], large["counts"]
    verdict = "ok" if large_counts <= COUNTS_TARGET else "MISSED"
    lines.append(
        f"{'view bar: 6 counts, after 1st row':34} {_ms(small_counts):>12} {_ms(large_counts):>16}"
        f" {large_counts / small_counts:>7.2f}  <= {COUNTS_TARGET:.0f} s {verdict}"
    )
    for label, key in (
        ("longest stall, typing and scrolling", "stall"),
        ("(stall, Enter/Escape: focus moves)", "stall_focus"),
    ):
        worst = max(small[key], large[key])
        verdict = "ok" if worst <= STALL_TARGET else "MISSED"
        target = (
            f"<= {STALL_TARGET * 1000:.0f} ms {verdict}"
            if key == "stall"
            else "(not a keystroke in the queue)"
        )
        lines.append(f"{label:34} {_ms(small[key]):>12} {_ms(large[key]):>16} {'':>7}  {target}")
    counts = [f"{f['rows']:,.0f} / {f['filtered_rows']:,.0f}" for f in (small, large)]
    lines.append(f"{'rows: open queue / filtered':34} {counts[0]:>12} {counts[1]:>16}")
    return lines


def counts_table(small: dict[str, float], large: dict[str, float]) -> list[str]:
    """The view bar's counts read alone (domain.queue.view_counts), in fresh processes."""
    lines = []
    for label, key in (
        ("counts of the 6 views, first", "counts"),
        ("counts of the 6 views, again", "counts_again"),
        ("  narrowed to a customer", "customer"),
        ("  narrowed to a business (1/5)", "business"),
    ):
        ratio = large[key] / small[key]
        lines.append(f"{label:34} {_ms(small[key]):>12} {_ms(large[key]):>16} {ratio:>7.1f}")
    return lines


def median_counts(path: Path) -> dict[str, float]:
    runs = [run("measure_counts.py", str(path)) for _ in range(RUNS)]
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def main() -> None:
    engine = sys.argv[sys.argv.index("--engine") + 1] if "--engine" in sys.argv else "sqlite"
    small_db, large_db = database(SMALL), database(LARGE)
    query = filter_query(small_db)
    if engine == "postgres":
        small_db, large_db = pg_database(SMALL), pg_database(LARGE)
    print(
        f"measuring the app on {engine} at 120x40, median of {RUNS} fresh processes per size…",
        flush=True,
    )
    small = median_of_runs(small_db, query)
    large = median_of_runs(large_db, query)
    baseline = run("baseline.py", str(database(LARGE)), str(BASELINE_ROWS))
    counts = counts_table(median_counts(small_db), median_counts(large_db))
    print()
    print("\n".join(table(small, large, query)))
    print("\n".join(counts))
    print(
        f"baseline: DataTable fed the first {baseline['rows']:,} rows whole:"
        f" first paint {_ms(baseline['first_row'])}, {_mb(baseline['rss'])} resident"
    )


if __name__ == "__main__":
    main()

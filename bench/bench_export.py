"""`make bench`: `botui export` at 100 and at 1,000,000 backorders: time and peak memory.

Memory must stay flat: the export streams keyset pages through the Service, so once SQLite's
page cache (32 MB, full after the first few thousand pages) and the first page are in memory,
the process grows no more however many rows follow. Measured as the peak resident memory a
quarter of the way through the million-row export against the peak at its end: a process that
kept rows would be four times further along by then. Each export runs in a fresh process writing
to a file, on bench.py's cached demo databases (built on first use).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import ENV, LARGE, SMALL, database

GROWTH_TARGET = 8 * 2**20  # bytes the peak may still grow over the last three quarters
# Runs the real command in this process and reports its time, its peak memory at the end and
# the peak so far sampled along the way (ru_maxrss: the most resident memory yet).
MEASURE = """
import json, resource, sys, threading, time
from botui.cli import main
samples = []
def sample():
    while True:
        samples.append((time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
started = time.perf_counter()
status = main(sys.argv[1:])
ended = time.perf_counter()
seconds = ended - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
quarter = max([m for t, m in samples if t <= started + seconds / 4] or [0]) * 1024
print(json.dumps({"status": status, "seconds": seconds, "peak": peak, "quarter": quarter}),
      file=sys.stderr)
"""


def measure(db: Path, fmt: str, out: Path) -> dict:
    """One export of every backorder of `db` in a fresh process: status, seconds, peak bytes."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, "export", "--db", str(db), "--format", fmt, "-o", str(out)],
        env=ENV,
        capture_output=True,
        text=True,
    )
    figures = json.loads(done.stderr.strip().splitlines()[-1])
    if figures["status"] != 0:
        raise SystemExit(f"the export failed: {done.stderr}")
    figures["rows"] = json.loads(done.stdout)["exported"]
    figures["bytes"] = out.stat().st_size
    return figures


def main() -> None:
    small_db, large_db = database(SMALL), database(LARGE)
    print(
        f"{'export':22} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'file':>9}"
        f" {'peak RSS':>9} {'at 1/4':>8}"
    )
    verdicts = []
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("csv", "jsonl"):
            small = measure(small_db, fmt, Path(folder) / f"small.{fmt}")
            large = measure(large_db, fmt, Path(folder) / f"large.{fmt}")
            for label, figures in ((f"{fmt}, {SMALL:,}", small), (f"{fmt}, {LARGE:,}", large)):
                print(
                    f"{label:22} {figures['rows']:>10,} {figures['seconds']:>8.1f}"
                    f" {figures['rows'] / figures['seconds']:>9,.0f}"
                    f" {figures['bytes'] / 2**20:>7,.0f} MB {figures['peak'] / 2**20:>6,.0f} MB"
                    f" {figures['quarter'] / 2**20:>5,.0f} MB"
                )
            growth = large["peak"] - large["quarter"]
            verdict = "ok" if growth <= GROWTH_TARGET else "MISSED"
            verdicts.append(
                f"{fmt}: memory grew {growth / 2**20:.1f} MB over the last 3/4 of {LARGE:,} rows"
                f" (<= {GROWTH_TARGET / 2**20:.0f} MB {verdict}); "
                f"{(large['peak'] - small['peak']) / 2**20:.0f} MB above {SMALL:,} rows"
                " (SQLite's page cache is 32 MB)"
            )
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()

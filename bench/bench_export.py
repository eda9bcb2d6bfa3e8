"""`make bench`: `botui export` at 100 and at 1,000,000 backorders: time and peak memory.

Memory must stay flat: the export streams keyset pages through the Service, so the peak
resident memory of the whole process at a million rows is within a small margin of that at a
hundred. Each export runs in a fresh process writing to a file, on bench.py's cached demo
databases (built on first use).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import ENV, LARGE, SMALL, database

FLAT_TARGET = 1.5  # peak memory at a million rows / at a hundred
# Runs the real command in this process and reports its own peak memory and time.
MEASURE = """
import json, resource, sys, time
from botui.cli import main
started = time.perf_counter()
status = main(sys.argv[1:])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"status": status, "seconds": seconds, "peak": peak}), file=sys.stderr)
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
    print(f"{'export':22} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'file':>9} {'peak RSS':>9}")
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
                )
            ratio = large["peak"] / small["peak"]
            verdict = "ok" if ratio <= FLAT_TARGET else "MISSED"
            verdicts.append(
                f"{fmt}: peak memory {LARGE:,} / {SMALL:,} rows = {ratio:.2f}"
                f" (<= {FLAT_TARGET} {verdict})"
            )
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()

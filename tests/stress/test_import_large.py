"""A 100,000-row file as a shop would export it: imported in batches, memory flat, then skipped."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.stress

ROWS = 100_000
RUN = (
    "import json, resource, sys; from botui.cli import main; status = main(sys.argv[1:]);"
    "print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss), file=sys.stderr);"
    "sys.exit(status)"
)


def shop_file(path: Path, rows: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [
                "orderNumber",
                "customerEmail",
                "customerName",
                "productSku",
                "productName",
                "businessName",
                "quantity",
                "price",
                "metadata.note",
            ]
        )
        for i in range(rows):
            writer.writerow(
                [
                    f"#{i // 2}",
                    f"c{i // 2 % 5000}@example.com",
                    f"Zoë Núñez {i // 2 % 5000}",
                    f"SKU-{i % 300}",
                    f"Tent, size {i % 300}",
                    "Northwind",
                    1 + i % 4,
                    100 + i,
                    "call first,\nthen ship" if i % 10 == 0 else "",
                ]
            )
    return path


def botui_import(source: Path, db: Path) -> tuple[dict, int]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, "import", str(source), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), int(done.stderr.strip().splitlines()[-1]) * 1024


def test_a_large_file_imports_with_memory_flat_in_its_size(tmp_path: Path) -> None:
    small = shop_file(tmp_path / "small.csv", ROWS // 10)
    large = shop_file(tmp_path / "large.csv", ROWS)
    answer, small_rss = botui_import(small, tmp_path / "small.db")
    assert answer["created"] == ROWS // 10
    answer, large_rss = botui_import(large, tmp_path / "large.db")
    assert answer == {"created": ROWS, "skipped": 0, "invalid": 0, "rows": []}
    # Ten times the rows: the process grows by the source keys and SQLite's cache, not rows.
    assert large_rss < 2.5 * small_rss, (small_rss, large_rss)
    again, _ = botui_import(large, tmp_path / "large.db")
    assert again == {"created": 0, "skipped": ROWS, "invalid": 0, "rows": []}

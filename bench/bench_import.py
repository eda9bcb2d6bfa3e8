"""`make bench`, import part: `botui import` of N botui-format rows against `botui demo --count N`.

Writes (once, cached in bench/cache/) a CSV of N rows as a shop would: an order number per
order (one to three lines each), customers by e-mail, products by SKU, a business by name, a
few dates and metadata, all records new to the database. Then, in the same run, times
`botui demo --count N` into a new database and `botui import FILE` into another, each in a
fresh process, and prints the ratio and each run's peak memory (maximum resident set size).

    python bench/bench_import.py [N ...]     (default: 100000 1000000)
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / "cache"
SIZES = (100_000, 1_000_000)
TARGET = 3.0
NOW = 1_790_000_000
ENV = {**os.environ, "BOTUI_NOW": str(NOW), "BOTUI_ACTOR": "bench"}
FIRST = "Ada Grace Alan Edsger Barbara Donald Frances Ken Margaret Dennis Zoë Søren José Ngozi"
LAST = "Lovelace Hopper Turing Dijkstra Liskov Knuth Allen Thompson Hamilton Ritchie Núñez Øberg"
COLUMNS = [
    "orderNumber",
    "customerEmail",
    "customerName",
    "productSku",
    "productName",
    "businessName",
    "quantity",
    "price",
    "priorityLevel",
    "estimatedShipDate",
    "supplierOrder",
    "metadata.channel",
]


def import_file(count: int) -> Path:
    """The cached CSV of `count` rows, written first if it is missing."""
    path = CACHE / f"import-{count}.csv"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = random.Random(count)
    first, last = FIRST.split(), LAST.split()
    customers = max(count // 5, 1)
    products = max(count // 200, 10)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        order, left = 0, 0
        for _ in range(count):
            if left == 0:
                order, left = order + 1, rng.choice((1, 1, 1, 2, 3))
                who = rng.randrange(customers)
            left -= 1
            sku = rng.randrange(products)
            ship = (
                ""
                if rng.random() < 0.5
                else f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
            writer.writerow(
                (
                    f"#{100000 + order}",
                    f"customer{who}@example.com",
                    f"{first[who % len(first)]} {last[who // len(first) % len(last)]}",
                    f"SKU-{sku:05d}",
                    f"Product {sku}, size {sku % 7}",
                    "Northwind Outfitters",
                    rng.randint(1, 5),
                    rng.randrange(500, 50_000),
                    rng.choice(("standard", "standard", "expedited", "rush")),
                    ship,
                    f"PO-{order // 50}" if rng.random() < 0.3 else "",
                    rng.choice(("web", "phone", "store")),
                )
            )
    partial.rename(path)
    return path


def timed(args: list[str]) -> tuple[float, int, str]:
    """Seconds, peak resident memory (bytes) and output of one `botui` run in a new process."""
    code = (
        "import resource, sys, time;"
        "from botui.cli import main;"
        "t = time.perf_counter(); status = main(sys.argv[1:]);"
        "took = time.perf_counter() - t;"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024;"
        "print('BENCH', took, rss, status, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=ENV, capture_output=True, text=True
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("BENCH ")]
    if done.returncode != 0 or not line or line[-1].split()[3] != "0":
        raise SystemExit(f"botui {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    _, took, rss, _ = line[-1].split()
    return float(took), int(rss), done.stdout.strip()


def measure(count: int, folder: Path) -> dict[str, float]:
    source = import_file(count)
    demo_s, demo_rss, _ = timed(
        ["demo", "--db", str(folder / f"demo-{count}.db"), "--count", str(count)]
    )
    import_s, import_rss, answer = timed(
        ["import", str(source), "--db", str(folder / f"import-{count}.db")]
    )
    created = json.loads(answer)["created"]
    if created != count:
        raise SystemExit(f"the import created {created:,} backorders, not {count:,}: {answer}")
    return {"demo": demo_s, "import": import_s, "demo_rss": demo_rss, "import_rss": import_rss}


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or list(SIZES)
    for count in sizes:
        import_file(count)
    results = {}
    with tempfile.TemporaryDirectory(prefix="botui-bench-import-", dir=CACHE) as folder:
        for count in sizes:
            print(f"timing botui demo and botui import of {count:,} rows…", flush=True)
            results[count] = measure(count, Path(folder))
            for suffix in ("demo", "import"):
                for extra in ("", "-wal", "-shm"):
                    Path(folder, f"{suffix}-{count}.db{extra}").unlink(missing_ok=True)
    print()
    print(
        f"{'rows':>10} {'demo':>9} {'import':>9} {'ratio':>6}  target   "
        f"{'peak memory (import)':>20}"
    )
    for count, r in results.items():
        ratio = r["import"] / r["demo"]
        verdict = "ok" if ratio <= TARGET else "MISSED"
        print(
            f"{count:>10,} {r['demo']:>8.1f}s {r['import']:>8.1f}s {ratio:>6.2f}"
            f"  <= {TARGET} {verdict:6}"
            f" {r['import_rss'] / 2**20:>14,.0f} MB  (demo {r['demo_rss'] / 2**20:,.0f} MB)"
        )
    if len(results) > 1:
        small, large = min(results), max(results)
        growth = results[large]["import_rss"] / results[small]["import_rss"]
        print(
            f"import peak memory, {large:,} rows / {small:,} rows: {growth:.2f}x"
            f" for {large / small:.0f}x the rows"
        )


if __name__ == "__main__":
    main()

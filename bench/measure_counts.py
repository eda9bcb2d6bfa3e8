"""Time the queue's view counts on one database, in a fresh process (a cold page cache of its
own): `python bench/measure_counts.py DB` prints one JSON object of seconds.

- counts: the six views' counts, as the view bar reads them first;
- counts_again: the same once more (what each refresh after others' changes costs);
- customer / business: the six counts narrowed to the first row's customer, or business.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace

from botui.config import now
from botui.domain import queue
from botui.domain.queue import QueueSpec
from botui.domain.service import Service, open_service

SERVICE: Service | None = None


def seconds(spec: QueueSpec) -> float:
    started = time.perf_counter()
    assert SERVICE is not None
    SERVICE.view_counts(spec, now())
    return time.perf_counter() - started


def main() -> None:
    global SERVICE
    SERVICE = open_service(sys.argv[1])
    with SERVICE.session(small_cache=True):
        figures = {"counts": seconds(QueueSpec()), "counts_again": seconds(QueueSpec())}
        row = queue.page(QueueSpec(), now(), 1)[0]
        figures["customer"] = seconds(replace(QueueSpec(), customer=row.customer_id))
        figures["business"] = seconds(replace(QueueSpec(), business=row.business_id))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

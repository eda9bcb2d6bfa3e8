"""The naive baseline: Textual's DataTable fed the first N backorders whole, time to first paint.

Run by bench.py in a fresh process: `python bench/baseline.py DB N` prints one JSON object.
The clock starts before the rows are read and stops when the table first draws a data row.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import psutil
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from botui.store.db import open_database

SIZE = (120, 40)
COLUMNS = ("id", "status", "priority", "product", "customer", "alloc/qty", "price", "ship", "age")
ROWS_SQL = (
    "SELECT b.id, b.status, b.priority_level, p.name, c.name,"
    " b.allocated_quantity || '/' || b.quantity, b.price, b.estimated_ship_date, b.created_at"
    " FROM backorder b JOIN product p ON p.id = b.product_id"
    " JOIN customer c ON c.id = b.customer_id"
    " ORDER BY b.priority_rank, b.created_at, b.id LIMIT ?"
)


class WholeTable(App[None]):
    """Every row in one DataTable, as a first attempt would do it."""

    def __init__(self, path: str, limit: int) -> None:
        super().__init__()
        self.path, self.limit = path, limit
        self.painted: float | None = None

    def compose(self) -> ComposeResult:
        yield DataTable(id="table")

    def on_mount(self) -> None:
        db = open_database(self.path)
        with db.connection_context():
            rows = db.execute_sql(ROWS_SQL, (self.limit,)).fetchall()
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(rows)


async def measure(path: str, limit: int) -> dict[str, Any]:
    """Seconds from start to the first data row drawn, with the rows loaded and the memory."""
    painted: list[float] = []
    original = DataTable.render_line

    def render_line(table: DataTable, y: int) -> Any:
        strip = original(table, y)
        if y >= 1 and table.row_count and not painted:
            painted.append(time.perf_counter())
        return strip

    DataTable.render_line = render_line  # type: ignore[method-assign]
    started = time.perf_counter()
    app = WholeTable(path, limit)
    async with app.run_test(size=SIZE) as pilot:
        while not painted:
            await pilot.pause(0.01)
        rows = app.query_one(DataTable).row_count
        rss = psutil.Process().memory_info().rss
    return {"first_row": painted[0] - started, "rows": rows, "rss": rss}


def main() -> None:
    print(json.dumps(asyncio.run(measure(sys.argv[1], int(sys.argv[2])))))


if __name__ == "__main__":
    main()

"""Write SVG screenshots of the real app on demo data into screenshots/ (run by `make screenshots`).

Time, data and the time zone are frozen, so the pictures change only when the screens do.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

NOW = "1790000000"
COUNT = 400
SEED = 7
SIZE = (100, 30)
OUT = Path(__file__).resolve().parent.parent / "screenshots"
# name -> keys pressed on the queue before the picture, and the terminal's size
SHOTS: dict[str, tuple[list[str], tuple[int, int]]] = {
    "queue": ([], SIZE),
    "queue-80x24": ([], (80, 24)),
    "queue-200x50": ([], (200, 50)),
    "detail": (["j", "enter"], SIZE),
    "narrow": (["j", "equals_sign"], SIZE),
    "customer-view": (["j", "enter", "u"], SIZE),
    "edit": (["j", "e"], SIZE),
    "cancel": (["j", "x"], SIZE),
    "help": (["question_mark"], SIZE),
    "reports": (["R"], SIZE),
    "outbox": (["o"], SIZE),
    "products": (["P"], SIZE),
}


async def _shoot(service: object, name: str, keys: list[str], size: tuple[int, int]) -> str:
    from textual.widgets import Input, TextArea
    from textual.worker import WorkerCancelled

    from botui.tui.app import BotuiApp

    app = BotuiApp(service, delay_detection=False)
    async with app.run_test(size=size) as pilot:
        for step in [None, *keys]:
            if step is not None:
                await pilot.press(step)
            for _ in range(3):
                with contextlib.suppress(WorkerCancelled):  # a newer read replaced it
                    await app.workers.wait_for_complete()
                await pilot.pause()
        for box in app.screen.query("Input, TextArea"):
            if isinstance(box, Input | TextArea):
                box.cursor_blink = False
        await pilot.pause()
        return app.export_screenshot(title=f"botui: {name}")


def main() -> int:
    """Build the demo database in a temporary folder and picture each screen."""
    os.environ.update(BOTUI_NOW=NOW, BOTUI_ACTOR="maria.k", TZ="UTC")
    os.environ.pop("NO_COLOR", None)
    time.tzset()
    from botui.demo import fill_demo
    from botui.domain.service import Service
    from botui.store.db import open_database

    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "demo.db")
        fill_demo(db, count=COUNT, seed=SEED)
        service = Service(db)
        for name, (keys, size) in SHOTS.items():
            svg = asyncio.run(_shoot(service, name, keys, size))
            target = OUT / f"{name}.svg"
            target.write_text(svg, encoding="utf-8")
            print(f"wrote {target.relative_to(OUT.parent)}")
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

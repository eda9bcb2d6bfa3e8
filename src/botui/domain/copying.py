"""`botui copy`: a whole database into another, on either engine (contract: "More than one
machine"). The rows move below, in store.copying; this is the door the CLI goes through."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from botui.store import copying

# `progress(table, rows copied so far, rows in the table)`, after every page of rows.
Progress = copying.Progress


def copy_database(
    source: str | Path, dest: str | Path, progress: Progress | None = None
) -> dict[str, Any]:
    """Copy every record, event and counter of `source` into `dest`; the one-line summary.

    Refusals and failures are BotuiErrors (see store.copying.copy_database).
    """
    started = time.monotonic()
    copied = copying.copy_database(source, dest, progress)
    return {
        "from": copying.display_name(source),
        "to": copying.display_name(dest),
        "copied": copied,
        "seconds": round(time.monotonic() - started, 1),
    }

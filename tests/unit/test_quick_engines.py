"""`botui api get`'s fast path (domain.quick) reads SQLite files only: a URL goes to the Service."""

from __future__ import annotations

from pathlib import Path

from botui.domain import quick
from botui.domain.service import Service, call

from .helpers import new_backorder


def test_the_fast_get_answers_for_a_file_and_leaves_a_url_to_the_service(
    service: Service, refs: dict, db_path: Path | str, engine: str
) -> None:
    made = new_backorder(service, refs, id="BO-Q", metadata={"k": "v"})
    answer = quick.get(db_path, {"id": "BO-Q"})
    if engine == "sqlite":
        assert answer == made == call(service, "get", {"id": "BO-Q"})
    else:
        assert answer is None

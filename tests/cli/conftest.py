"""The CLI tests' shops: built once per engine, copied for each test (see runner.Templates)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .runner import Templates


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory)
    yield made
    made.drop()

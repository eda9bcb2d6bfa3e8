"""The layers: domain/ and store/ never import textual or botui.tui, and the UI, the CLI and
io reach the data only through the domain (import-linter's contracts in pyproject.toml)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "botui"
CORE = sorted((PACKAGE / "domain").rglob("*.py")) + sorted((PACKAGE / "store").rglob("*.py"))
FORBIDDEN = ("textual", "botui.tui")


def imported_modules(path: Path) -> list[str]:
    """Every module a source file imports, at any depth (inside functions too)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names += [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
    return names


def test_there_is_core_code_to_check() -> None:
    assert len(CORE) >= 10
    assert PACKAGE / "domain" / "service.py" in CORE


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_modules_never_import_the_ui(path: Path) -> None:
    bad = [
        name
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    ]
    assert bad == [], f"{path.relative_to(PACKAGE)} imports {bad}"


def test_the_checker_sees_a_textual_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from textual.app import App\n    import rich.text\n")
    assert imported_modules(sample) == ["textual.app", "rich.text"]


LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
ROOT = PACKAGE.parents[1]


def lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(cwd / "src")},
    )


def test_the_layers_hold() -> None:
    """pyproject.toml's contracts: ui, cli, io -> domain -> store, the UI never in the store."""
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_contracts_see_the_ui_reaching_into_the_store(tmp_path: Path) -> None:
    """The same contracts on a copy of botui whose queue widget imports the store break."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "botui", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    widget = tmp_path / "src" / "botui" / "tui" / "widgets" / "queue_table.py"
    widget.write_text(widget.read_text() + "\nfrom botui.store.db import SQLITE_ERRORS\n")
    store = tmp_path / "src" / "botui" / "store" / "db.py"
    store.write_text(store.read_text() + "\nfrom botui.domain import errors\n")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert "botui.tui.widgets.queue_table -> botui.store.db" in done.stdout
    assert "botui.store.db -> botui.domain.errors" in done.stdout

"""The domain knows nothing of the UI: domain/ and store/ never import textual or botui.tui."""

from __future__ import annotations

import ast
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

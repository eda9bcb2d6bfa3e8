"""The stylesheets live in .tcss files (issue 13): no rule is a Python string, none is dead.

Each package's sheet (widgets, screens, dialogs) is cut into sections, one a class, that
botui.tui.styles hands to the class's DEFAULT_CSS or CSS; the app's own sheet is botui.tcss.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from botui.tui import styles

TUI = Path(styles.__file__).parent
PACKAGES = ("widgets", "screens", "dialogs")


def _modules() -> list[Path]:
    return sorted(TUI.rglob("*.py"))


def _named_sections() -> set[tuple[str, str]]:
    """Every (package, section) a `css(...)` call in botui.tui names."""
    named = set()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "css":
                package, *names = [arg.value for arg in node.args]  # type: ignore[attr-defined]
                named |= {(package, name) for name in names}
    return named


def test_no_stylesheet_is_a_python_string() -> None:
    strings = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant | ast.BinOp):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any(name.endswith("CSS") for name in names) and _has_text(node.value):
                    strings.append(f"{path.relative_to(TUI)}:{node.lineno}")
    assert strings == []


def _has_text(node: ast.AST) -> bool:
    """Whether the value holds a string of rules (the names given to `css(...)` are no rules)."""
    if isinstance(node, ast.Call):
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return any(_has_text(child) for child in ast.iter_child_nodes(node))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_section_of_a_sheet_is_some_class_s_rules(package: str) -> None:
    sections = styles.sections(package)
    assert sections, f"{package}.tcss has no sections"
    named = {name for pkg, name in _named_sections() if pkg == package}
    assert set(sections) == named  # none dead, none missing
    assert all(rules.strip() for rules in sections.values())


def test_a_class_gets_its_rules_from_the_sheet() -> None:
    from botui.tui.dialogs.confirm import Question
    from botui.tui.widgets.queue_table import QueueTable

    assert styles.css("widgets", "QueueTable") == QueueTable.DEFAULT_CSS
    assert "QueueTable > .queue-table--cursor" in QueueTable.DEFAULT_CSS
    # A question is an action dialog: the field rows, the dialog's frame, then its own rules.
    assert styles.css("dialogs", "fields", "ActionDialog", "Question") == Question.CSS
    with pytest.raises(KeyError):
        styles.css("widgets", "NoSuchWidget")

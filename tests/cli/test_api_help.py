"""`botui api --help` lists every action with its fields; a mistyped action names the nearest."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from botui.domain import api_help
from botui.domain.service import ACTIONS

from .runner import BOTUI, botui


def test_every_action_has_help_and_a_valid_example() -> None:
    assert list(api_help.ACTION_HELP) == list(ACTIONS)
    for action, (model, _what, example) in api_help.ACTION_HELP.items():
        model.model_validate(example)  # the example is an input the service would parse
        assert api_help.fields(action) or action == "detectDelays"


def test_api_help_lists_every_action_with_its_fields(tmp_path: Path) -> None:
    result = botui("api", "--help", BOTUI_DB=str(tmp_path / "shop.db"))
    assert result.status == 0 and result.stderr == ""
    for action in ACTIONS:
        assert f"\n  {action} " in result.stdout
    assert "price: integer (cents)" in result.stdout
    assert "channel: email|sms" in result.stdout
    assert not (tmp_path / "shop.db").exists()  # help opens no database


def test_one_actions_help_shows_its_fields_and_an_example(tmp_path: Path) -> None:
    result = botui("api", "updateEstimate", "--help", BOTUI_DB=str(tmp_path / "shop.db"))
    assert result.status == 0
    assert "estimatedShipDate?: integer (Unix seconds)" in result.stdout
    assert "botui api updateEstimate '{" in result.stdout


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("confrim", "confirm"), ("fulfil", "fulfill"), ("Cancel", "cancel"), ("markSent", None)],
)
def test_a_mistyped_action_names_the_nearest_and_changes_nothing(
    tmp_path: Path, typed: str, meant: str | None
) -> None:
    db = tmp_path / "shop.db"
    result = botui("api", typed, "{}", BOTUI_DB=str(db))
    assert result.status == 2
    error = result.error
    assert error["code"] == "validation_error"
    expected = meant or "outbox.markSent"
    assert f"did you mean {expected!r}?" in error["message"]
    wrong = botui("api", "nothing-like-it", "{}", BOTUI_DB=str(db)).error
    assert "the actions are: create, update" in wrong["message"]


def test_botui_help_names_the_commands_with_examples() -> None:
    result = botui("--help")
    assert result.status == 0
    for command in ("demo", "api", "import", "export", "outbox", "report", "config"):
        assert command in result.stdout
    assert "botui api --help" in result.stdout and "examples:" in result.stdout


@pytest.mark.parametrize("argv", [["api", "--help"], ["api", "customer.update", "--help"]])
def test_help_read_by_a_reader_that_went_away_ends_quietly(argv: list[str]) -> None:
    """`botui api --help | head`: the reader closed its end before the help was written; a
    traceback reached the terminal (BrokenPipeError). Now: nothing on stderr, status 1."""
    process = subprocess.Popen(
        [BOTUI, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    assert process.stdout is not None
    process.stdout.close()  # before botui writes: every write meets a closed pipe
    _, stderr = process.communicate(timeout=60)
    assert stderr == b""
    assert process.returncode == 1

"""`botui` with only the UI's options is read without argparse (issue 12): whatever it reads
must be what argparse reads, and anything else must still go to argparse."""

from __future__ import annotations

import pytest

from botui import cli

UI_RUNS = [
    [],
    ["--db", "shop.db"],
    ["--db=shop.db"],
    ["--db", ""],
    ["--db=a=b.db"],
    ["--demo"],
    ["--demo", "--db", "demo.db"],
    ["--db", "one.db", "--db", "two.db"],  # the last one, as argparse keeps
    ["--config", "botui.toml", "--db", "postgresql://botui@db/shop"],
    ["--config=botui.toml", "--demo", "--demo"],
    ["--db", "demo"],  # a value that is also a command's name is still the value
]
NOT_UI_RUNS = [
    ["demo"],
    ["api", "get", "{}"],
    ["--db", "shop.db", "export"],
    ["--help"],
    ["-h"],
    ["--version"],
    ["--db"],
    ["--db", "-x"],
    ["--d", "shop.db"],  # an abbreviation: argparse decides
    ["--demo=yes"],
    ["--", "--db"],
    ["--db", "shop.db", "extra"],
]


@pytest.mark.parametrize("argv", UI_RUNS, ids=" ".join)
def test_the_ui_options_are_read_as_argparse_reads_them(argv: list[str]) -> None:
    args = cli._parser().parse_args(argv)
    assert args.command is None
    assert cli._ui_only(argv) == (args.db, args.demo, args.config)


@pytest.mark.parametrize("argv", NOT_UI_RUNS, ids=" ".join)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert cli._ui_only(argv) is None

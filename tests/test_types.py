"""Types: mypy passes on src/botui with pyproject.toml's [tool.mypy], strict on the core
(domain/, store/, errors) and a looser check (untyped functions' bodies checked, no implicit
Optional) on the UI, the CLI, io and the demo."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

MYPY = Path(sys.executable).with_name("mypy")
ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "botui"


def mypy(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MYPY), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_types_hold() -> None:
    done = mypy(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")


def test_no_module_is_let_off() -> None:
    """Every module of botui is checked: no override turns a module's errors off, nothing is
    excluded but the migrations (loaded by file name), and no file turns mypy off itself."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    for override in config.get("overrides", []):
        assert not override.get("ignore_errors"), override
        assert override.get("follow_imports") != "skip", override
    assert config["exclude"] == ["^src/botui/store/migrations/"]
    off = re.compile(r"^#\s*(mypy:\s*ignore-errors|type:\s*ignore)", re.MULTILINE)
    turned_off = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and off.search(path.read_text())
    ]
    assert turned_off == []


def test_the_core_is_strict_and_the_rest_is_not(tmp_path: Path) -> None:
    """The same config on a copy of botui: a function without annotations is an error in the
    domain and the store, not in the UI; a wrong type inside it is an error anywhere."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "botui", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    untyped = "\n\ndef botui_untyped(x):\n    return x\n"
    wrong = "\n\ndef botui_wrong():\n    n: int = 'one'\n    return n\n"
    for module in ("domain/quick.py", "store/engine.py", "tui/keys.py"):
        path = tmp_path / "src" / "botui" / module
        path.write_text(path.read_text() + untyped + wrong)
    done = mypy(tmp_path, "--cache-dir", str(tmp_path / "cache"))
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    for module in ("domain/quick.py", "store/engine.py"):
        assert f"src/botui/{module}" in out and "[no-untyped-def]" in out, out
    keys = [line for line in out.splitlines() if line.startswith("src/botui/tui/keys.py")]
    assert keys and all("[no-untyped-def]" not in line for line in keys), out
    assert any("[assignment]" in line for line in keys), out

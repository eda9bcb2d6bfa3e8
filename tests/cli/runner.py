"""Run the installed `botui` command as a user would, and read its answer."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOW = 1_790_000_000
# The console script that `pip install -e .` put beside the venv's python.
BOTUI = shutil.which("botui", path=str(Path(sys.executable).parent)) or "botui"


@dataclass
class Result:
    """One run of the command: exit status, standard output and standard error."""

    status: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        """The answer on stdout (one JSON document)."""
        return json.loads(self.stdout)

    @property
    def error(self) -> dict[str, Any]:
        """The error object, after checking stderr is exactly one line of one JSON object."""
        assert self.stdout == "", self.stdout
        assert self.stderr.endswith("\n") and self.stderr.count("\n") == 1, self.stderr
        body = json.loads(self.stderr)
        assert list(body) == ["error"]
        assert set(body["error"]) == {"code", "message", "field"}
        assert "Traceback" not in self.stderr
        return body["error"]


def env(**extra: str) -> dict[str, str]:
    """The environment of a run: frozen clock and actor, plus `extra`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("BOTUI_")}
    return base | {"BOTUI_NOW": str(NOW), "BOTUI_ACTOR": "cli-tester"} | extra


def botui(
    *args: str, stdin: bytes | str | None = None, umask: int | None = None, **extra: str
) -> Result:
    """Run `botui ARGS...` (under `umask` when given) and wait for it."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    done = subprocess.run(
        [BOTUI, *args],
        input=data if data is not None else b"",
        capture_output=True,
        env=env(**extra),
        timeout=60,
        preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())


def api(db: Path, action: str, payload: Any = None, **extra: str) -> Result:
    """`botui api ACTION --db DB JSON` with `payload` as the JSON argument."""
    args = ["api", action, "--db", str(db)]
    if payload is not None:
        args.append(payload if isinstance(payload, str) else json.dumps(payload))
    return botui(*args, **extra)


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the database file."""
    with closing(sqlite3.connect(db)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }


def fresh_copy(template: Path, folder: Path) -> Path:
    """A copy of a template database for one test (the command leaves no -wal file behind)."""
    assert not Path(f"{template}-wal").exists()
    path = folder / "shop.db"
    shutil.copyfile(template, path)
    return path

"""Run the installed `botui` command as a user would, and read its answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from botui.store.db import open_database
from tests import postgres
from tests.conftest import NOW
from tests.postgres import connect, query

# The database a run is pointed at: a SQLite file, or a PostgreSQL URL (see tests/conftest.py).
Target = Path | str

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
    """The environment of a run: frozen clock and actor, plus `extra`.

    COLUMNS and LINES are left out: a pipe's width is then the default, whatever terminal (or
    test worker, which sets them) started the suite.
    """
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("BOTUI_") and k not in ("COLUMNS", "LINES")
    }
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


def api(db: Target, action: str, payload: Any = None, **extra: str) -> Result:
    """`botui api ACTION --db DB JSON` with `payload` as the JSON argument."""
    args = ["api", action, "--db", str(db)]
    if payload is not None:
        args.append(payload if isinstance(payload, str) else json.dumps(payload))
    return botui(*args, **extra)


def dump(db: Target) -> dict[str, list[tuple]]:
    """Every row of every table of the database."""
    with connect(db) as conn:
        return {t: sorted(query(conn, f'SELECT * FROM "{t}"'), key=repr) for t in conn.get_tables()}


@contextmanager
def write_lock(db: Target) -> Iterator[None]:
    """Another botui holding the write lock meanwhile (SQLite's BEGIN IMMEDIATE, PostgreSQL's
    advisory lock): botui's own transaction, which writes nothing."""
    database = open_database(db)
    try:
        with database.atomic():
            yield
    finally:
        database.close()


def fresh_copy(template: Path, folder: Path) -> Path:
    """A copy of a template database file for one test (the command leaves no -wal behind)."""
    assert not Path(f"{template}-wal").exists()
    path = folder / "shop.db"
    shutil.copyfile(template, path)
    return path


@dataclass
class Templates:
    """Each test module's shop, built once per engine by the real command and copied for every
    test: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL."""

    folders: pytest.TempPathFactory
    made: dict[tuple[str, str], Target] = field(default_factory=dict)

    def template(self, build: Callable[[Target], object], engine: str) -> Target:
        key = (f"{build.__module__}.{build.__qualname__}", engine)
        if key not in self.made:
            if engine == "postgres":
                target: Target = postgres.database_url(postgres.create_database())
            else:
                target = self.folders.mktemp("template") / "shop.db"
            build(target)
            self.made[key] = target
        return self.made[key]

    @contextmanager
    def copy(self, template: Target, folder: Path) -> Iterator[Target]:
        if isinstance(template, Path):
            yield fresh_copy(template, folder)
            return
        name = postgres.create_database(template=postgres.name_of(template))
        try:
            yield postgres.database_url(name)
        finally:
            postgres.drop_database(name)

    def drop(self) -> None:
        for target in self.made.values():
            if isinstance(target, str):
                postgres.drop_database(postgres.name_of(target))


def shop_fixtures(build: Callable[[Target], object], name: str = "template") -> tuple[Any, Any]:
    """The fixtures `template` (the shop `build` makes in an empty database, once per engine;
    for tests that only read) and `db` (a fresh copy of it for each test), on both engines:

        template, db = shop_fixtures(build)
    """

    @pytest.fixture(name=name)
    def template(engine: str, templates: Templates) -> Target:
        return templates.template(build, engine)

    @pytest.fixture(name="db")
    def db(engine: str, templates: Templates, tmp_path: Path) -> Iterator[Target]:
        with templates.copy(templates.template(build, engine), tmp_path) as copy:
            yield copy

    return template, db

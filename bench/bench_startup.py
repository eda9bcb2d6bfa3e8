"""`make bench`: start-up as a user feels it, against an empty Textual app and VisiData.

Time to the first backorder row on screen in a real terminal (tmux at 120x40) on the cached
million-backorder database, for botui, an empty Textual app showing one line (same Textual,
same venv: bench/empty_app.py) and VisiData opening the same file's backorder table; and the
wall time of `botui api get` against `python -c 'import json, sqlite3'`. Each round runs every
contender once, in turn, so a busy machine slows them alike; the medians and their ratios are
printed with the targets.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import ENV, HERE, LARGE, database

BIN = Path(sys.executable).parent
ROUNDS = 7
API_ROUNDS = 21
SIZE = (120, 40)
POLL = 0.003
TIMEOUT = 30.0
# A backorder id as a word: the first row of any of the three (nothing else shows one).
ROW = re.compile(r"(?<![\w-])BO-\d+(?![\w-])")
TEXTUAL_TARGET = 1.25
API_TARGET = 5.0
SESSION = f"botui-bench-{os.getpid()}"


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, env=_TMUX_ENV
    ).stdout


def first_row_seconds(command: list[str], env: dict[str, str]) -> float:
    """From starting `command` in the session's pane to a backorder id on screen."""
    line = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
    script = f"exec env -i {line} {' '.join(_quote(part) for part in command)}"
    started = time.perf_counter()
    _tmux("respawn-pane", "-k", "-t", SESSION, script)
    while time.perf_counter() - started < TIMEOUT:
        if ROW.search(_tmux("capture-pane", "-p", "-t", SESSION)):
            elapsed = time.perf_counter() - started
            break
        time.sleep(POLL)
    else:
        screen = _tmux("capture-pane", "-p", "-t", SESSION)
        raise SystemExit(f"no backorder on screen after {TIMEOUT:.0f} s: {command}\n{screen}")
    _tmux("respawn-pane", "-k", "-t", SESSION, "exec sleep 600")  # ends the app (SIGHUP)
    time.sleep(0.2)  # let it go before the next one starts
    return elapsed


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def wall_seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command} failed: {done.stderr.strip()}")
    return elapsed


def alternate(contenders: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Each contender once per round, in turn; the median of each."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, measure in contenders.items():
            times[name].append(measure())
    return {name: statistics.median(found) for name, found in times.items()}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


_TMUX_ENV = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}


def main() -> None:
    if shutil.which("tmux") is None:
        raise SystemExit("bench_startup needs tmux (apt-get install tmux)")
    vd = shutil.which("vd", path=str(BIN))
    if vd is None:
        raise SystemExit("VisiData is missing: pip install -e '.[bench]' (make bench does)")
    db = str(database(LARGE))
    with tempfile.TemporaryDirectory() as home:
        # No user configuration, and the bytecode cache Python keeps for a user (a shell
        # does not set PYTHONDONTWRITEBYTECODE).
        env = {
            "HOME": home,
            "XDG_CONFIG_HOME": home,
            "XDG_DATA_HOME": home,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
            "BOTUI_NOW": ENV["BOTUI_NOW"],
            "BOTUI_ACTOR": "bench",
            "PATH": os.environ.get("PATH", ""),
        }
        plain = {k: v for k, v in {**ENV, **env}.items() if k != "PYTHONDONTWRITEBYTECODE"}
        botui = [str(BIN / "botui"), "--db", db]
        empty = [sys.executable, str(HERE / "empty_app.py"), "BO-1"]
        visidata = [vd, "+:backorder::", db]
        _tmux("new-session", "-d", "-s", SESSION, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
              "exec sleep 600")  # fmt: skip
        try:
            _tmux("set-option", "-t", SESSION, "remain-on-exit", "on")
            for command in (botui, empty, visidata):  # warm the page cache and bytecode
                first_row_seconds(command, env)
            print(
                f"first row on screen in tmux {SIZE[0]}x{SIZE[1]}, {LARGE:,} backorders, "
                f"median of {ROUNDS} alternating rounds…",
                flush=True,
            )
            ui = alternate(
                {
                    "botui": lambda: first_row_seconds(botui, env),
                    "empty": lambda: first_row_seconds(empty, env),
                    "visidata": lambda: first_row_seconds(visidata, env),
                },
                ROUNDS,
            )
        finally:
            _tmux("kill-session", "-t", SESSION)
        backorder = _first_id(db)
        get = [str(BIN / "botui"), "api", "get", f'{{"id": "{backorder}"}}', "--db", db]
        bare = [sys.executable, "-c", "import json, sqlite3"]
        wall_seconds(get, plain)
        api = alternate(
            {"get": lambda: wall_seconds(get, plain), "python": lambda: wall_seconds(bare, plain)},
            API_ROUNDS,
        )
    to_empty = ui["botui"] / ui["empty"]
    to_vd = ui["botui"] / ui["visidata"]
    to_python = api["get"] / api["python"]
    rows = [
        ("botui: first queue row", _ms(ui["botui"]), ""),
        ("empty Textual app: its one line", _ms(ui["empty"]), ""),
        ("VisiData: first row of backorder", _ms(ui["visidata"]), ""),
        (
            "botui / empty Textual app",
            f"{to_empty:.2f}",
            f"<= {TEXTUAL_TARGET} {_verdict(to_empty <= TEXTUAL_TARGET)}",
        ),
        ("botui / VisiData", f"{to_vd:.2f}", f"< 1 {_verdict(to_vd < 1)}"),
        (f"botui api get {backorder}", _ms(api["get"]), ""),
        ("python -c 'import json, sqlite3'", _ms(api["python"]), ""),
        (
            "api get / python",
            f"{to_python:.2f}",
            f"<= {API_TARGET:g} {_verdict(to_python <= API_TARGET)}",
        ),
    ]
    print()
    for label, figure, target in rows:
        print(f"{label:36} {figure:>9}  {target}".rstrip())


def _first_id(db: str) -> str:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT id FROM backorder ORDER BY seq LIMIT 1").fetchone()[0]


if __name__ == "__main__":
    main()

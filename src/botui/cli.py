"""Argument parsing only: `botui`, `botui demo`, `botui api` (and --batch), `botui import`,
`botui export`, `botui backup`, `botui copy`, `botui outbox send`, `botui report`,
`botui config`."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

# Only what every command needs is imported here: each command imports its own (the UI,
# pydantic and peewee load only for the commands that use them; see run_api's fast `get`).
from botui import __version__, config
from botui.domain.errors import BotuiError, storage_error, validation
from botui.domain.limits import MAX_INT64

if TYPE_CHECKING:  # argparse loads only when a command is parsed (see _ui_only)
    import argparse

    from botui.domain.late import LateService
    from botui.domain.service import Service

T = TypeVar("T")
# The demo's largest size: ten times what it is tuned for (a million rows), still in memory.
MAX_DEMO_COUNT = 10_000_000


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _read_payload(text: str | None) -> Any:
    """The JSON input: the argument, else standard input (an empty one is `{}`)."""
    if text is None:
        text = (
            ""
            if sys.stdin is None or sys.stdin.isatty()
            else sys.stdin.buffer.read().decode("utf-8", errors="strict")
        )
    if not text.strip():
        return {}
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise validation(f"the input is not valid JSON ({exc}); send one JSON object") from None


def _fail(error: BotuiError) -> int:
    sys.stderr.write(json.dumps(error.to_json(), ensure_ascii=True) + "\n")
    return error.exit_status


EXAMPLES = """examples:
  botui --demo --db demo.db               open the UI on a demo database (filled on first use)
  botui api --help                        every action of the API, its fields and examples
  botui api list '{"status": "pending"}'  one action, its answer as JSON
  botui import orders.csv --dry-run       check a file of backorders, write nothing
  botui export --view late -o late.csv    the late backorders as CSV
  botui outbox send                       deliver queued e-mail and SMS
  botui report aging                      open backorders by age
  botui copy --from shop.db --to postgresql://botui@db.example/shop
                                          move every record to PostgreSQL (or back)"""


# The UI's own options, each taking a value (`--demo` takes none): see _ui_only.
UI_OPTIONS = ("--db", "--config")


def _ui_only(argv: list[str]) -> tuple[str | None, bool, str | None] | None:
    """`botui` with only the UI's options (`--db PATH`, `--demo`, `--config FILE`), the run a
    person makes many times a day: its database, demo and configuration, as argparse reads
    them, without building argparse's parser and its sub-parsers (~8 ms of the UI's start-up,
    issue 12). None for anything else (a command, --help, --version, an abbreviation, a value
    starting with "-"), which argparse parses and answers as ever."""
    values: dict[str, str] = {}
    demo = False
    position = 0
    while position < len(argv):
        token = argv[position]
        name, equals, value = token.partition("=")
        following = argv[position + 1] if position + 1 < len(argv) else None
        if token == "--demo":
            demo = True
        elif name in UI_OPTIONS and equals:
            values[name] = value
        elif token in UI_OPTIONS and following is not None and not following.startswith("-"):
            values[token] = following
            position += 1
        else:
            return None
        position += 1
    return values.get("--db"), demo, values.get("--config")


def _parser() -> argparse.ArgumentParser:
    import argparse

    class _Version(argparse.Action):
        """--version: which SQLite botui uses is asked only when the version is."""

        def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
            super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

        def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
            from botui.domain.quick import sqlite_version

            print(f"botui {__version__} (SQLite {sqlite_version()})")  # on stdout, as argparse's
            parser.exit()

    parser = argparse.ArgumentParser(
        prog="botui",
        description="Triage backorders: with no command, open the terminal UI.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        help="database file or postgresql:// URL (default: BOTUI_DB, else the data folder)",
    )
    parser.add_argument("--demo", action="store_true", help="fill a demo database on first use")
    parser.add_argument("--version", action=_Version, help="show program's version number and exit")
    commands = parser.add_subparsers(dest="command")
    # Subcommands' --db default to SUPPRESS so `botui --db X api ...` keeps the top-level X.
    demo = commands.add_parser("demo", help="write realistic demo data")
    demo.add_argument("--db", default=argparse.SUPPRESS)
    # Numbers stay text here: run_demo checks them and answers as the API does.
    demo.add_argument("--count", default="2000", help="backorders to write")
    demo.add_argument("--seed", default="7")
    api = commands.add_parser(
        "api", help="run one action; JSON as argument or on stdin", add_help=False
    )
    api.add_argument("-h", "--help", action="store_true", help="the actions and their fields")
    api.add_argument("action", nargs="?")
    api.add_argument("json", nargs="?")
    api.add_argument("--db", default=argparse.SUPPRESS)
    api.add_argument(
        "--batch", action="store_true", help="JSON Lines of {action, input, ref} on stdin"
    )
    export = commands.add_parser("export", help="write backorders as CSV or JSON Lines")
    export.add_argument("--db", default=argparse.SUPPRESS)
    # Checked by the export itself, so a wrong value is answered in the API's JSON shape.
    export.add_argument("--format", default="csv", help="csv (default) or jsonl")
    export.add_argument("--view", default="all", help="open, pending, late, ready, closed, all")
    export.add_argument("--status", help="only backorders of this status")
    export.add_argument("--query", help="only those matching this text, as `list` searches")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    backup = commands.add_parser("backup", help="copy the database safely while others write")
    backup.add_argument("dest")
    backup.add_argument("--db", default=argparse.SUPPRESS)
    copying = commands.add_parser(
        "copy",
        help="copy a whole database into an empty one (SQLite or PostgreSQL)",
        description="Copy every record, event, outbox entry and counter of --from into --to, "
        "a database without records (a new file, or an existing PostgreSQL database, empty "
        "or with botui's schema), either engine to either; all or nothing.",
    )
    copying.add_argument("--from", dest="source", required=True, help="database to copy")
    copying.add_argument("--to", dest="dest", required=True, help="database without records")
    importing = commands.add_parser("import", help="create backorders from a CSV/JSONL file")
    importing.add_argument("file")
    importing.add_argument("--db", default=argparse.SUPPRESS)
    importing.add_argument("--format", default="botui", help="botui (default) or shopify")
    importing.add_argument("--business", help="business id of rows that name none")
    importing.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    importing.add_argument("--skip-invalid", action="store_true", help="write the good rows")
    outbox = commands.add_parser("outbox", help="deliver the outbox: botui outbox send")
    outbox.add_argument("--db", default=argparse.SUPPRESS)
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True)
    send = outbox_commands.add_parser("send", help="send queued e-mail and SMS, oldest first")
    send.add_argument("--db", default=argparse.SUPPRESS)
    send.add_argument("--limit", help="send at most this many entries")
    report = commands.add_parser("report", help="aging, products or service, in numbers")
    # Checked by the report itself, so a wrong name or format is answered in the API's shape.
    report.add_argument("name", nargs="?", help="aging, products or service")
    report.add_argument("--db", default=argparse.SUPPRESS)
    report.add_argument("--business", help="only the backorders of this business")
    report.add_argument("--format", help="table (default on a terminal), csv or json (else)")
    commands.add_parser("config", help="show the configuration in force and where it came from")
    # --config may stand before or after the command (SUPPRESS keeps the one given first).
    parser.add_argument("--config", help=f"configuration file (default: {config.CONFIG_ENV}, "
                        "else config.toml in $XDG_CONFIG_HOME/botui)")  # fmt: skip
    for command in (*commands.choices.values(), send):
        command.add_argument("--config", default=argparse.SUPPRESS)
    return parser


def _open_service(db_arg: str | None):
    from botui.domain.service import open_service

    path = config.resolve_db_path(db_arg)
    if path == config.default_db_path():
        # The user's data folder is ours to make on first use; a path the user gave is not.
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(
                f"cannot create the data folder {path.parent}: {exc.strerror}"
            ) from None
    return open_service(path)


def _guarded(work: Callable[..., T], *args: Any) -> T:
    """Run `work(*args)`; any failure comes out as a BotuiError in the contract's shape."""
    try:
        return work(*args)
    except BotuiError:
        raise
    except UnicodeDecodeError:
        raise validation("the input is not valid UTF-8; send UTF-8 encoded JSON") from None
    except OSError as exc:
        raise storage_error(f"the database failed: {exc.strerror or exc}") from None
    except Exception as exc:  # a bug must still answer in the contract's shape, never a traceback
        raise storage_error(
            f"botui failed unexpectedly ({type(exc).__name__}); nothing was saved"
        ) from None


def run_api(db_arg: str | None, action: str | None, text: str | None) -> int:
    """`botui api`: one action, its answer on stdout, or one JSON error line on stderr."""
    from botui.domain.actions import check_action

    def one_action() -> dict[str, Any]:
        check_action(action)
        config.check_environment()
        payload = _read_payload(text)
        if action == "get":
            # The answer read straight from a SQLite file when it is surely the Service's (see
            # domain.quick): a script's `get` then costs no more than Python's start-up.
            target = config.resolve_db_path(db_arg)
            if not config.is_database_url(target):
                from botui.domain.quick import get

                answer = get(target, payload)
                if answer is not None:
                    return answer
        from botui.domain.service import call

        return call(_open_service(db_arg), action, payload)

    try:
        answer = _guarded(one_action)
    except BotuiError as error:
        return _fail(error)
    _write_utf8(sys.stdout, json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


def run_batch(db_arg: str | None) -> int:
    """`botui api --batch`: one answer line per JSON line on stdin, each its own transaction.

    Exit 0 when every line succeeded, 2 when any was refused; a busy or storage error stops
    the run at once with exit 1 (every line answered before it was committed).
    """
    from botui.domain.service import call

    try:
        config.check_environment()
        service = _guarded(_open_service, db_arg)
    except BotuiError as error:
        return _fail(error)
    refused = False
    for raw in sys.stdin.buffer:
        ref: Any = None
        try:
            request = _batch_object(raw)
            ref = request.get("ref")
            answer = _guarded(call, service, _batch_action(request), request.get("input", {}))
            line: dict[str, Any] = {"ref": ref, "ok": answer}
        except BotuiError as error:
            line = {"ref": ref, **error.to_json()}
            if error.exit_status != 2:
                _write_utf8(sys.stdout, json.dumps(line, ensure_ascii=False) + "\n")
                return error.exit_status
            refused = True
        _write_utf8(sys.stdout, json.dumps(line, ensure_ascii=False) + "\n")
    return 2 if refused else 0


_BATCH_USAGE = 'each line must be one JSON object {"action": NAME, "input": {...}, "ref": ANY}'


def _batch_object(raw: bytes) -> dict[str, Any]:
    """One line of a batch as its object, or a validation_error saying what a line must be."""
    line = raw.removesuffix(b"\n").removesuffix(b"\r")
    if not line.strip():
        raise validation(f"this line is empty; {_BATCH_USAGE}")
    try:
        request = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise validation(f"this line is not valid UTF-8; {_BATCH_USAGE}") from None
    except (ValueError, RecursionError) as exc:
        raise validation(f"this line is not valid JSON ({exc}); {_BATCH_USAGE}") from None
    if not isinstance(request, dict):
        raise validation(f"this line is not a JSON object; {_BATCH_USAGE}")
    return request


def _batch_action(request: dict[str, Any]) -> str:
    """The action a batch line names, after checking the line holds nothing else."""
    for name in request:
        if name not in ("action", "input", "ref"):
            raise validation(f"unknown field {name!r}; {_BATCH_USAGE}", name)
    if not isinstance(request.get("action"), str):
        raise validation(f"action must be an action's name, as text; {_BATCH_USAGE}", "action")
    return request["action"]


def _export_to_stdout(write: Callable[..., int], *args: Any) -> int:
    """Stream the export to stdout; a reader that goes away early is said as such."""
    try:
        return write(*args, sys.stdout.buffer)
    except BrokenPipeError:
        _quiet_stdout()
        raise storage_error("standard output was closed before the export finished") from None


def run_export(
    db_arg: str | None,
    fmt: str,
    view: str,
    status: str | None,
    query: str | None,
    output: str | None,
) -> int:
    """`botui export`: the backorders to stdout, or to a file with a one-line summary."""
    from pathlib import Path

    from botui.io.export import check_format, export_to_file, write_export

    payload: dict[str, Any] = {"view": view}
    if status is not None:
        payload["status"] = status
    if query is not None:
        payload["query"] = query
    try:
        config.check_environment()
        chosen = check_format(fmt)
        service = _guarded(_open_service, db_arg)
        if output is None:
            _guarded(_export_to_stdout, write_export, service, payload, chosen)
            return 0
        written = _guarded(export_to_file, service, payload, chosen, Path(output))
    except BotuiError as error:
        return _fail(error)
    summary = {"exported": written, "format": chosen, "file": str(Path(output).resolve())}
    _write_utf8(sys.stdout, json.dumps(summary, ensure_ascii=False) + "\n")
    return 0


def _write_utf8(stream: TextIO, text: str) -> None:
    """The answer is UTF-8 JSON whatever the locale says (PYTHONIOENCODING=ascii included)."""
    binary = getattr(stream, "buffer", None)
    if binary is None:
        stream.write(text)
        return
    stream.flush()
    binary.write(text.encode("utf-8"))
    binary.flush()


def run_demo(db_arg: str | None, count_arg: str, seed_arg: str) -> int:
    from botui.demo import fill_demo

    try:
        count = config.whole_number(count_arg, "--count", 0, MAX_DEMO_COUNT, field="count")
        seed = config.whole_number(seed_arg, "--seed", 0, MAX_INT64, field="seed")
        config.check_environment()
        service = _open_service(db_arg)
        summary = fill_demo(service.db, count=count, seed=seed)
    except BotuiError as error:
        return _fail(error)
    sys.stdout.write(summary + "\n")
    return 0


def run_backup(db_arg: str | None, dest: str) -> int:
    from botui.backup import backup

    try:
        config.check_environment()
        summary = backup(config.resolve_db_path(db_arg), dest)
    except BotuiError as error:
        return _fail(error)
    sys.stdout.write(summary + "\n")
    return 0


def run_copy(source: str, dest: str) -> int:
    """`botui copy`: a progress bar on stderr (a terminal), the counts as JSON on stdout."""
    import signal

    from botui.domain.copying import copy_database
    from botui.io.progress import ImportProgress

    shown: list[str] = []

    def step(table: str, done: int, total: int) -> None:
        if shown != [table]:
            shown[:] = [table]
            bar.start(table, total)
        bar.update(done)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # `kill` as Ctrl-C: the copy rolls back and cleans up

    signal.signal(signal.SIGTERM, stop)
    try:
        config.check_environment()
        with ImportProgress(1, sys.stderr.isatty(), threshold=0) as bar:
            answer = _guarded(copy_database, source, dest, step)
    except BotuiError as error:
        return _fail(error)
    except KeyboardInterrupt:  # the copy's transaction was rolled back on the way out
        return _fail(storage_error("the copy was interrupted; nothing was copied to --to"))
    _write_utf8(sys.stdout, json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


def run_import(db_arg: str | None, args: argparse.Namespace) -> int:
    """`botui import`: the counts on stdout, or the refusal with its bad rows on stderr."""
    from botui.io.importing import import_file

    try:
        config.check_environment()
        service = _guarded(_open_service, db_arg)
        answer = _guarded(
            lambda: import_file(
                service,
                args.file,
                fmt=args.format,
                business=args.business,
                dry_run=args.dry_run,
                skip_invalid=args.skip_invalid,
                show_progress=sys.stderr.isatty(),
            )
        )
    except BotuiError as error:
        return _fail(error)
    _write_utf8(sys.stdout, json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


def run_outbox_send(db_arg: str | None, config_arg: str | None, limit_arg: str | None) -> int:
    """`botui outbox send`: {"sent", "failed", "waiting"} on stdout, or one JSON error line."""
    from botui import settings
    from botui.io.outbox import send_outbox

    try:
        config.check_environment()
        limit = None
        if limit_arg is not None:
            limit = config.whole_number(limit_arg, "--limit", 1, MAX_INT64, field="limit")
        loaded = settings.load(config_arg)
        service = _guarded(_open_service, db_arg)
        answer = _guarded(send_outbox, service, loaded, limit)
    except BotuiError as error:
        return _fail(error)
    _write_utf8(sys.stdout, json.dumps(answer.to_json()) + "\n")
    return 0


def run_report(db_arg: str | None, name: str | None, business: str | None, fmt: str | None) -> int:
    """`botui report NAME`: the report on stdout, or one JSON error line on stderr."""
    import gc

    from botui.domain import drivers

    # A report must answer in under a second at a million backorders: no collection in this
    # short process (its passes over every imported object and each of 10,000 product rows
    # cost ~80 ms), and on a SQLite file peewee loads without PostgreSQL's driver (~60 ms).
    gc.disable()
    drivers.load_for(config.resolve_db_path(db_arg))
    from botui.io.reports import check_format, render

    try:
        config.check_environment()
        chosen = check_format(fmt, sys.stdout.isatty())
        if name is None:
            raise validation("give a report: botui report aging|products|service")
        payload = {} if business is None else {"business": business}
        service = _guarded(_open_service, db_arg)
        answer = _guarded(service.report, name, payload)
        text = render(answer, chosen)
    except BotuiError as error:
        return _fail(error)
    _write_utf8(sys.stdout, text)
    return 0


def run_config(config_arg: str | None) -> int:
    """`botui config`: the settings in force, each with the file line it came from."""
    from botui import settings
    from botui.settings_view import describe

    try:
        loaded = settings.load(config_arg)
    except BotuiError as error:
        return _fail(error)
    _write_utf8(sys.stdout, describe(loaded))
    return 0


def run_ui(db_arg: str | None, demo: bool, config_arg: str | None = None) -> int:
    import gc

    # No collection while the UI starts: ~10% of its CPU went to full passes over the objects
    # every import makes. The app turns it back on once its first rows are shown (tui.app).
    gc.disable()
    from botui import settings
    from botui.tui.first_rows import FirstRows

    try:
        config.check_environment()
        loaded = settings.load(config_arg)
        if loaded.found:  # with no file the keys are botui's own: nothing to check
            from botui.tui import keymap

            keymap.expand(loaded.settings.keys, lambda name: loaded.origin("keys", name))
        # A current SQLite file botui may write: its first rows read without the Service,
        # which opens after the first frame (domain.late); anything else opens it first.
        first_rows = None if demo else FirstRows.from_file(config.resolve_db_path(db_arg))
        late = _late_service(db_arg) if first_rows is not None else None
        if late is not None:
            service = cast("Service", late)
        else:
            opened = _open_ui_service(db_arg)
            if demo:
                from botui.demo import ensure_demo

                ensure_demo(opened.db)
            service = opened
    except BotuiError as error:
        sys.stderr.write(f"botui: {error.message}\n")
        return error.exit_status
    if first_rows is None:
        # The queue's first rows are read in a thread while Textual loads (issue 12).
        first_rows = FirstRows(service)
        first_rows.settle()  # over before Textual loads, unless the disk is slow
    from botui.tui.app import run_app

    status = run_app(service, loaded, first_rows)
    if late is not None and late.error is not None:
        # The Service could not be opened after all (the file changed meanwhile): the app
        # ended at once, and botui says why and exits as if it had failed before the UI.
        sys.stderr.write(f"botui: {late.error.message}\n")
        return late.error.exit_status
    return status


def _open_ui_service(db_arg: str | None):  # the Service, unannotated as _open_service
    from botui.domain import drivers

    # First: for a SQLite file, peewee loads without PostgreSQL's driver (~60 ms).
    drivers.load_for(config.resolve_db_path(db_arg))
    return _open_service(db_arg)


def _late_service(db_arg: str | None) -> LateService:
    """The Service of a database domain.quick found current and writable, opened at its
    first use after the first frame (domain.late)."""
    from botui.domain.late import LateService

    return LateService(config.resolve_db_path(db_arg), lambda: _open_ui_service(db_arg))


def _check_configuration(config_arg: str | None) -> None:
    """A broken configuration file is refused everywhere, `botui api` included, though the API
    reads no setting; with no file there is nothing to check (and pydantic stays unloaded)."""
    if config.config_file_exists(config_arg):
        from botui import settings

        settings.load(config_arg)


def _api_help(action: str | None) -> int:
    """`botui api --help` (every action) or `botui api ACTION --help` (one, with an example)."""
    from botui.domain import api_help
    from botui.domain.actions import check_action

    if action is None:
        print(api_help.overview())
        return 0
    try:
        check_action(action)
    except BotuiError as error:
        return _fail(error)
    print(api_help.detail(action))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `botui` command. A reader that closes standard output early
    (`botui api --help | head`) ends it quietly with status 1, as Python's own docs advise,
    never with a traceback; `botui export` says so (_export_to_stdout)."""
    try:
        return _main(argv)
    except BrokenPipeError:
        _quiet_stdout()
        return 1


def _quiet_stdout() -> None:
    """Point standard output at nothing: Python would complain again flushing it at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _main(argv: list[str] | None) -> int:
    ui = _ui_only(sys.argv[1:] if argv is None else argv)
    if ui is not None:
        return run_ui(*ui)
    parser = _parser()
    # parse_known_args: argparse leaves a JSON argument written after `--db PATH` unclaimed.
    args, extra = parser.parse_known_args(argv)
    db_arg = getattr(args, "db", None)
    config_arg = getattr(args, "config", None)
    if args.command == "api" and args.help:
        return _api_help(args.action)
    if args.command == "api":
        try:
            _check_configuration(config_arg)
        except BotuiError as error:
            return _fail(error)
        if args.batch:
            if extra or args.action is not None:
                return _fail(
                    validation(
                        "botui api --batch reads its actions as JSON Lines on standard input; "
                        "usage: botui api --batch [--db PATH]"
                    )
                )
            return run_batch(db_arg)
        if len(extra) == 1 and args.json is None and args.action is not None:
            args.json = extra.pop()
        if extra:
            return _fail(
                validation(
                    f"unexpected arguments {' '.join(extra)!r}; "
                    "usage: botui api ACTION [--db PATH] [JSON]"
                )
            )
        return run_api(db_arg, args.action, args.json)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "demo":
        return run_demo(db_arg, args.count, args.seed)
    if args.command == "backup":
        return run_backup(db_arg, args.dest)
    if args.command == "copy":
        return run_copy(args.source, args.dest)
    if args.command == "import":
        return run_import(db_arg, args)
    if args.command == "export":
        return run_export(db_arg, args.format, args.view, args.status, args.query, args.output)
    if args.command == "outbox":
        return run_outbox_send(db_arg, config_arg, args.limit)
    if args.command == "report":
        return run_report(db_arg, args.name, args.business, args.format)
    if args.command == "config":
        return run_config(config_arg)
    return run_ui(db_arg, args.demo, config_arg)


if __name__ == "__main__":
    sys.exit(main())

"""peewee imports PostgreSQL's driver (psycopg) when it is itself first imported, whenever the
driver is installed: ~60 ms of the UI's start-up that a SQLite file never uses (issue 12).

`import_peewee_without_psycopg` imports peewee with psycopg hidden, before anything else imports
peewee; `give_peewee_psycopg` hands the driver over the first time a PostgreSQL database is
opened in such a process (store.postgres.connect calls it), so opening one still works.
"""

from __future__ import annotations

import sys

_DRIVER = "psycopg"


def import_peewee_without_psycopg() -> None:
    """Import peewee without psycopg (nothing happens if peewee or psycopg is loaded already)."""
    if "peewee" in sys.modules or _DRIVER in sys.modules:
        return
    sys.modules[_DRIVER] = None  # type: ignore[assignment]  # `import psycopg` now fails
    try:
        import peewee  # noqa: F401
    finally:
        if sys.modules.get(_DRIVER, False) is None:
            del sys.modules[_DRIVER]


def give_peewee_psycopg() -> None:
    """Make psycopg peewee's PostgreSQL driver if peewee was imported without it: the names
    peewee binds at its import (module and Psycopg3Adapter's), exactly as it binds them."""
    import peewee

    names = vars(peewee)  # these names are not in peewee's stubs: set in its namespace
    if names["psycopg"] is not None:
        return
    try:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb
    except ImportError:
        return  # not installed: peewee says "psycopg postgres driver not found", as ever
    names["TransactionStatus"] = TransactionStatus
    names["Json_pg3"], names["Jsonb_pg3"] = Json, Jsonb
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN
    names["psycopg"] = psycopg  # last: the adapter is chosen by this one

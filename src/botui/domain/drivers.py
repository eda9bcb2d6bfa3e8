"""Which database driver a process loads: the UI on a SQLite file never loads PostgreSQL's."""

from __future__ import annotations

from pathlib import Path

from botui import config


def load_for(target: str | Path) -> None:
    """Call before anything imports the store (or peewee): for a SQLite file, peewee is imported
    without psycopg (store.drivers); a PostgreSQL URL changes nothing."""
    if not config.is_database_url(target):
        from botui.store.drivers import import_peewee_without_psycopg

        import_peewee_without_psycopg()

"""The model of migration 0006: which source keys were imported, and into which backorder."""

from __future__ import annotations

from peewee import CharField, IntegerField

from botui.store.models import BaseModel


class ImportSource(BaseModel):
    """One imported row's source key and the backorder it became; keys are taken once."""

    key = CharField(primary_key=True)
    backorder = CharField(column_name="backorder_id")
    imported_at = IntegerField()

    class Meta:
        table_name = "import_source"

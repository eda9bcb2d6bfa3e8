"""The queue's views by name, in a module of their own: the queue (and the UI's first screen)
reads them without loading the pydantic schemas (botui.domain.schemas names them too)."""

from __future__ import annotations

from typing import Literal

# domain.queue says which backorders each view holds.
View = Literal["open", "pending", "late", "ready", "closed", "all"]

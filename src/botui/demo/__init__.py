"""Realistic, reproducible demo data written in bulk: the rows the service would have stored.

`fill_demo` generates a shop's history from a seed and the clock (history.py, from the words in
catalogue.py) and writes it into an empty database in one transaction (load.py); `ensure_demo`
does so only when the database holds no records yet.
"""

from botui.demo.load import ensure_demo, fill_demo

__all__ = ["ensure_demo", "fill_demo"]

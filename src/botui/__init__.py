"""botui: triage backorders from the terminal."""

__version__ = "0.1.0"

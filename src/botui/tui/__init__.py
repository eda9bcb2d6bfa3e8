"""The Textual terminal UI: one face of the service, holding no rule of its own."""

"""Files in and out: import and export formats, outbox delivery; each calls the Service."""

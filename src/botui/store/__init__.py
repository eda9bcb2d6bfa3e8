"""Storage: the SQLite database, its models and its migrations."""

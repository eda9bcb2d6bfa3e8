"""The backorder domain: schemas, statuses, allocation and the service. Knows nothing of the UI."""

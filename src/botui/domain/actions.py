"""The API's action names and the Service method each runs, without loading the Service:
`botui api` checks the name before anything heavier is imported."""

from __future__ import annotations

from botui.domain.errors import validation

ACTIONS: dict[str, str] = {
    "create": "create",
    "update": "update",
    "delete": "delete",
    "confirm": "confirm",
    "fulfill": "fulfill",
    "cancel": "cancel",
    "updateEstimate": "update_estimate",
    "notifyCustomer": "notify_customer",
    "get": "get",
    "list": "list",
    "receiveInventory": "receive_inventory",
    "detectDelays": "detect_delays",
    "events": "events",
    "outbox": "outbox",
    "outbox.markSent": "mark_sent",
    "outbox.retry": "retry_outbox",
    "business.create": "create_business",
    "customer.create": "create_customer",
    "product.create": "create_product",
    "order.create": "create_order",
    "business.update": "update_business",
    "customer.update": "update_customer",
    "product.update": "update_product",
    "order.update": "update_order",
}


def check_action(action: str | None) -> str:
    """The Service method of an API action name, or a validation_error listing the actions."""
    method = ACTIONS.get(action or "")
    if method is None:
        if not action:
            raise validation(f"give an action; the actions are: {', '.join(ACTIONS)}")
        from botui.domain import api_help

        meant = api_help.nearest(action)
        if meant is not None:
            raise validation(
                f"unknown action {action!r}; did you mean {meant!r}? "
                "(botui api --help lists every action)"
            )
        raise validation(f"unknown action {action!r}; the actions are: {', '.join(ACTIONS)}")
    return method

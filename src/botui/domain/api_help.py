"""What `botui api --help` says: every action, its input fields from the schemas, an example.

The fields are read from the pydantic input models, so the help can never drift from what the
service accepts; a test checks that every action of `service.ACTIONS` has an entry here.
"""

from __future__ import annotations

import difflib
import inspect
import json
from typing import Annotated, Any, Literal, get_args, get_origin

from botui.domain import schemas

# Action -> (its input model, what it does, an example input).
ACTION_HELP: dict[str, tuple[type[schemas.Input], str, dict[str, Any]]] = {
    "create": (
        schemas.CreateBackorder,
        "record a new backorder (pending); allocates free stock",
        {
            "product": "PRD-1",
            "business": "BIZ-1",
            "customer": "CUS-1",
            "quantity": 2,
            "price": 1999,
        },
    ),
    "update": (
        schemas.UpdateBackorder,
        "change fields of a backorder",
        {"id": "BO-1", "priorityLevel": "rush"},
    ),
    "delete": (schemas.DeleteBackorder, "delete a backorder (any status)", {"id": "BO-1"}),
    "confirm": (
        schemas.ConfirmBackorder,
        "confirm a pending backorder with the supplier",
        {"id": "BO-1", "supplierOrder": "PO-7781"},
    ),
    "fulfill": (
        schemas.FulfillBackorder,
        "ship it (all, or part: the rest is split into a new backorder)",
        {"id": "BO-1"},
    ),
    "cancel": (
        schemas.CancelBackorder,
        "cancel an open backorder; its units go back to stock",
        {"id": "BO-1", "reason": "customer asked"},
    ),
    "updateEstimate": (
        schemas.UpdateEstimate,
        "move the ship and/or delivery estimate",
        {"id": "BO-1", "estimatedShipDate": 1800000000, "reason": "supplier delay"},
    ),
    "notifyCustomer": (
        schemas.NotifyCustomer,
        "queue a message to the customer (template or own text)",
        {"id": "BO-1", "channel": "email", "template": "delay"},
    ),
    "get": (schemas.GetBackorder, "one backorder", {"id": "BO-1"}),
    "list": (
        schemas.ListBackorders,
        "backorders in triage order, a page at a time",
        {"status": "pending", "limit": 20},
    ),
    "receiveInventory": (
        schemas.ReceiveInventory,
        "stock arrived: allocate it to waiting backorders",
        {"product": "PRD-1", "quantity": 10, "receipt": "RCV-1"},
    ),
    "detectDelays": (schemas.DetectDelays, "notice backorders past their ship estimate", {}),
    "events": (schemas.ListEvents, "the event log, oldest first", {"since": 0, "limit": 100}),
    "outbox": (schemas.ListOutbox, "messages queued for customers", {"status": "queued"}),
    "outbox.markSent": (schemas.MarkSent, "record an outbox entry as sent by hand", {"id": 1}),
    "outbox.retry": (schemas.RetryOutbox, "queue a failed outbox entry again", {"id": 1}),
    "business.create": (schemas.CreateBusiness, "a new business", {"name": "Northwind"}),
    "customer.create": (
        schemas.CreateCustomer,
        "a new customer",
        {"name": "Ada Vogel", "email": "ada@example.com"},
    ),
    "product.create": (
        schemas.CreateProduct,
        "a new product",
        {"sku": "TENT-2P", "name": "Tent, 2 person", "stockOnHand": 0},
    ),
    "order.create": (
        schemas.CreateOrder,
        "a new order of a customer and business",
        {"customer": "CUS-1", "business": "BIZ-1", "number": "SO-100143"},
    ),
    "business.update": (
        schemas.UpdateBusiness,
        "rename a business",
        {"id": "BIZ-1", "name": "Northwind Outfitters"},
    ),
    "customer.update": (
        schemas.UpdateCustomer,
        "change a customer's name, e-mail or phone",
        {"id": "CUS-1", "phone": "+1 555 0100", "expected": {"phone": "+1 555 0199"}},
    ),
    "product.update": (
        schemas.UpdateProduct,
        "change a product's SKU or name (stock only through receiveInventory)",
        {"id": "PRD-1", "name": "Tent, 2 person, green"},
    ),
    "order.update": (
        schemas.UpdateOrder,
        "change an order's number or placedAt",
        {"id": "ORD-1", "number": "SO-100144"},
    ),
}


def _kind(annotation: Any) -> str:
    """A field's type in words: 'integer', 'string', 'object', or its choices 'a|b|c'."""
    origin, args = get_origin(annotation), get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, schemas.Input):
        inner = ", ".join(
            f"{info.alias or name}?" for name, info in annotation.model_fields.items()
        )
        return f"object {{{inner}}}"
    if origin is Literal:
        return "|".join(str(arg) for arg in args)
    if origin is Annotated:
        return _kind(args[0])
    if args and origin not in (dict, list):  # a union: the kinds it allows, None aside
        return " or ".join(_kind(arg) for arg in args if arg is not type(None))
    words = {bool: "true/false", int: "integer", str: "string", dict: "object", list: "list"}
    return words.get(origin or annotation, "value")


def _wrapped(items: list[str], indent: str, width: int = 100) -> list[str]:
    """Items joined by commas into lines of at most `width`, never breaking an item."""
    lines = [indent]
    for index, item in enumerate(items):
        text = item + ("," if index < len(items) - 1 else "")
        if lines[-1] != indent and len(lines[-1]) + 1 + len(text) > width:
            lines.append(indent)
        lines[-1] += ("" if lines[-1] == indent else " ") + text
    return lines


# Units a number field is counted in, by its name.
_UNITS = {"price": "cents", "amount": "cents"}


def fields(action: str) -> list[str]:
    """The input fields of `action` as `name` (required) or `name?`, each with its type."""
    model = ACTION_HELP[action][0]
    shown = []
    for name, info in model.model_fields.items():
        alias = info.alias or name
        mark = "" if info.is_required() else "?"
        kind = _kind(info.annotation)
        unit = _UNITS.get(alias) or (
            "Unix seconds" if alias.endswith(("Date", "At")) and "integer" in kind else None
        )
        shown.append(f"{alias}{mark}: {kind}" + (f" ({unit})" if unit else ""))
    return shown


def overview() -> str:
    """Every action with what it does and its fields: the text of `botui api --help`."""
    lines = [
        "usage: botui api ACTION [--db PATH] [JSON]     (JSON as an argument or on standard input)",
        "       botui api --batch [--db PATH]           (JSON Lines of {action, input, ref})",
        "       botui api ACTION --help                 (one action's fields and an example)",
        "",
        "actions (fields marked ? are optional):",
    ]
    width = max(len(name) for name in ACTION_HELP)
    for name, (_, what, _example) in ACTION_HELP.items():
        lines.append(f"  {name:<{width}}  {what}")
        lines += _wrapped(fields(name) or ["no fields"], " " * (width + 6))
    lines += [
        "",
        "examples:",
        '  botui api list \'{"status": "pending", "limit": 5}\'',
        '  echo \'{"id": "BO-1"}\' | botui api confirm',
        "",
        "Answers are JSON on standard output (exit 0); a refusal is one JSON error line on",
        "standard error (exit 2); busy or storage errors exit 1.",
    ]
    return "\n".join(lines)


def detail(action: str) -> str:
    """One action's help: what it does, each field, an example command."""
    model, what, example = ACTION_HELP[action]
    lines = [f"botui api {action}: {what}", "", "fields (? = optional):"]
    lines += [f"  {text}" for text in fields(action)]
    lines += ["", "example:", f"  botui api {action} '{json.dumps(example)}'"]
    doc = inspect.cleandoc(model.__doc__ or "")
    if doc and not doc.startswith("Base of"):
        lines[1:1] = ["", doc]
    return "\n".join(lines)


def nearest(action: str) -> str | None:
    """The action a mistyped name most likely meant ('confrim' -> 'confirm'), or None."""
    names = list(ACTION_HELP)
    folded = {name.lower(): name for name in names}
    if action.lower() in folded:
        return folded[action.lower()]
    found = difflib.get_close_matches(action.lower(), list(folded), n=1, cutoff=0.6)
    return folded[found[0]] if found else None

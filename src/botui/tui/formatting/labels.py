"""What each input field is called on screen, apart from the dialogs' field helpers
(dialogs._fields), so the event log on the first screen can name fields without loading them."""

from __future__ import annotations

# What each input field of the contract is called on screen: labels beside the inputs, and the
# words that replace the field's API name in every message a screen shows.
FIELD_LABELS = {
    "id": "Id",
    "product": "Product",
    "business": "Business",
    "customer": "Customer",
    "order": "Order",
    "quantity": "Quantity",
    "price": "Unit price",
    "status": "Status",
    "priorityLevel": "Priority",
    "estimatedShipDate": "Ship estimate",
    "estimatedDeliveryDate": "Delivery estimate",
    "actualShipDate": "Ship date",
    "actualDeliveryDate": "Delivery date",
    "supplierOrder": "Supplier order",
    "metadata": "Metadata",
    "channel": "Channel",
    "template": "Template",
    "subject": "Subject",
    "message": "Message",
    "reason": "Reason",
    "receipt": "Receipt",
    "name": "Name",
    "sku": "SKU",
    "email": "Email",
    "phone": "Phone",
    "number": "Number",
    "stockOnHand": "Stock on hand",
    "placedAt": "Placed on",
}

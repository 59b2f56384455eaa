"""Subscription types, and a contact's consent to them."""

from __future__ import annotations

from .base import Operation, single, whole_list

OPERATIONS = (
    Operation(
        "intercom_list_subscription_types",
        "GET",
        "/subscription_types",
        whole_list("subscription_types", "data"),
    ),
    Operation(
        "intercom_list_contact_subscriptions",
        "GET",
        "/contacts/{contactId}/subscriptions",
        whole_list("subscription_types", "data"),
    ),
    Operation(
        "intercom_add_subscription_to_contact",
        "POST",
        "/contacts/{contactId}/subscriptions",
        single("subscription_type"),
        rename={"subscriptionId": "id"},
    ),
    Operation(
        "intercom_remove_subscription_from_contact",
        "DELETE",
        "/contacts/{contactId}/subscriptions/{subscriptionId}",
        single("subscription_type"),
    ),
)

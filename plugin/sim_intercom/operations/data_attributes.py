"""Data attributes: the attributes contacts and companies have; a custom one must be defined
here before `custom_attributes` can carry it."""

from __future__ import annotations

from .base import Operation, single, whole_list

OPERATIONS = (
    Operation(
        "intercom_list_data_attributes",
        "GET",
        "/data_attributes",
        whole_list("data_attributes", "data"),
    ),
    Operation(
        "intercom_create_data_attribute", "POST", "/data_attributes", single("data_attribute")
    ),
    Operation(
        "intercom_update_data_attribute",
        "PUT",
        "/data_attributes/{dataAttributeId}",
        single("data_attribute"),
    ),
)

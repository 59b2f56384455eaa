"""Custom object instances: create or update by external_id, get and delete by Intercom's
id or by your external_id.

The description's operationIds of the two deletes are swapped
(`deleteCustomObjectInstancesById` takes `external_id`, `...ByExternalId` takes the id in
the path); the tools follow the parameters, not the names.
"""

from __future__ import annotations

from .base import Operation, single
from .crud import deletion

TYPE = "/custom_object_instances/{customObjectTypeIdentifier}"
ONE = TYPE + "/{customObjectInstanceId}"
INSTANCE = "custom_object_instance"

OPERATIONS = (
    Operation("intercom_create_custom_object_instance", "POST", TYPE, single(INSTANCE)),
    Operation("intercom_get_custom_object_instance_by_external_id", "GET", TYPE, single(INSTANCE)),
    Operation(
        "intercom_delete_custom_object_instance_by_external_id",
        "DELETE",
        TYPE,
        deletion(INSTANCE, "external_id"),
    ),
    Operation("intercom_get_custom_object_instance", "GET", ONE, single(INSTANCE)),
    Operation(
        "intercom_delete_custom_object_instance",
        "DELETE",
        ONE,
        deletion(INSTANCE, "customObjectInstanceId"),
    ),
)

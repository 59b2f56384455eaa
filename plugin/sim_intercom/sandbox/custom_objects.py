"""Custom object instances: records of a custom object type (an `Order`), kept by your
`external_id`, so that creating one that exists updates it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import NotFound, ParameterNotFound
from .records import CustomObjectInstance
from .rooms import Room
from .state import State


class CustomObjectNotFound(NotFound):
    """An unknown custom object type, or an unknown instance of one."""

    code = "not_found"
    message = "Custom object instance not found"


class CustomObjects:
    """The instances of each custom object type the workspace defines."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.types: dict[str, Room[CustomObjectInstance]] = {}

    def define(self, type_name: str) -> None:
        """A new custom object type (made in Intercom's settings, not through the API)."""
        self.types.setdefault(
            type_name,
            Room(self.state, CustomObjectInstance, CustomObjectNotFound, first=31),
        )

    def room(self, type_name: str) -> Room[CustomObjectInstance]:
        room = self.types.get(type_name)
        if room is None:
            raise CustomObjectNotFound(f"Custom object type {type_name!r} not found")
        return room

    def upsert(self, type_name: str, fields: Mapping[str, Any]) -> CustomObjectInstance:
        """Create the instance with this `external_id`, or update the one that has it."""
        room = self.room(type_name)
        if not fields.get("external_id"):
            raise ParameterNotFound("external_id is required", field="external_id")
        existing = self.by_external_id(type_name, fields["external_id"])
        if existing is not None:
            attributes = {**existing.custom_attributes, **(fields.get("custom_attributes") or {})}
            return room.update(existing, {**fields, "custom_attributes": attributes})
        attributes = fields.get("custom_attributes") or {}
        return room.create({**fields, "type": type_name, "custom_attributes": attributes})

    def by_external_id(self, type_name: str, external_id: str) -> CustomObjectInstance | None:
        found = (each for each in self.room(type_name).all() if each.external_id == external_id)
        return next(found, None)

    def find(self, type_name: str, external_id: str) -> CustomObjectInstance:
        found = self.by_external_id(type_name, external_id)
        if found is None:
            raise CustomObjectNotFound()
        return found

"""Data attributes: the workspace's standard and custom attributes of contacts, companies
and conversations. Defining a custom one makes its name writable in `custom_attributes`;
archiving it makes it unwritable again (`State.check_custom_attributes` reads this list)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import NotFound, ParameterInvalid, Unprocessable
from .records import DataAttribute
from .state import State

DATA_TYPES = ("string", "integer", "float", "boolean", "datetime", "date", "options")
WRITABLE_MODELS = ("contact", "company")
MIN_OPTIONS = 2
# Letters and digits of any script, spaces, underscores, hyphens and currency symbols.
_NAME = re.compile(r"[\w \-$€£¥]{1,190}")


class DataAttributeNotFound(NotFound):
    code = "field_not_found"
    message = "We couldn't find that data attribute to update"


@dataclass(frozen=True)
class NewDataAttribute:
    name: str
    model: str
    data_type: str
    description: str | None = None
    options: list[str] | None = None
    messenger_writable: bool = False


@dataclass(frozen=True)
class DataAttributeChanges:
    given: frozenset[str]
    archived: bool | None = None
    description: str | None = None
    options: list[str] | None = None
    messenger_writable: bool | None = None


class DataAttributes:
    """The attributes, in the order they were defined."""

    def __init__(self, state: State) -> None:
        self.state = state

    def list(self, model: str | None, include_archived: bool) -> list[DataAttribute]:
        """The data attributes of `model` (every model when None), archived ones if asked."""
        return [
            each
            for each in self.state.data_attributes
            if (model is None or each.model == model) and (include_archived or not each.archived)
        ]

    def get(self, attribute_id: str) -> DataAttribute:
        found = (each for each in self.state.data_attributes if str(each.id) == attribute_id)
        attribute = next(found, None)
        if attribute is None:
            raise DataAttributeNotFound()
        return attribute

    def create(self, new: NewDataAttribute) -> DataAttribute:
        if not _NAME.fullmatch(new.name):
            raise ParameterInvalid(
                "Your name for this attribute must only contain alphanumeric characters, "
                "currency symbols, and hyphens",
                field="name",
            )
        wanted = new.name.casefold()
        if any(each.name.casefold() == wanted for each in self.state.data_attributes):
            raise ParameterInvalid(
                f"You already have '{new.name}' in your {new.model} data. To save this as "
                f"new {new.model} data, use a different name.",
                field="name",
            )
        _check_options(new.data_type, new.options)
        now = self.state.now()
        attribute = DataAttribute(
            id=max((each.id for each in self.state.data_attributes), default=0) + 1,
            model=new.model,
            name=new.name,
            data_type=new.data_type,
            label=new.name,
            custom=True,
            admin_id=self.state.me_id,
            created_at=now,
            updated_at=now,
            description=new.description,
            options=new.options,
            messenger_writable=new.messenger_writable,
        )
        self.state.data_attributes.append(attribute)
        return attribute

    def update(self, attribute: DataAttribute, changes: DataAttributeChanges) -> DataAttribute:
        """Change a custom attribute; Intercom's own (standard) ones cannot be changed."""
        if not attribute.custom:
            raise Unprocessable("Only custom data attributes can be changed", code="data_invalid")
        if changes.options is not None:
            _check_options(attribute.data_type, changes.options)
        for name in changes.given:
            value = getattr(changes, name)
            if value is not None or name == "description":
                setattr(attribute, name, value)
        attribute.updated_at = self.state.now()
        return attribute


def _check_options(data_type: str, options: list[str] | None) -> None:
    if data_type != "options":
        if options:
            raise ParameterInvalid("options are only for data_type 'options'", field="options")
        return
    if options is None or len(options) < MIN_OPTIONS:
        raise ParameterInvalid(
            f"A list attribute needs at least {MIN_OPTIONS} options", field="options"
        )

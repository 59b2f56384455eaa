"""`fields`: keep only the parts of an output a caller asked for, as dotted paths.

A path names properties of the output (`contact.email`); through a list it applies to
each item (`contacts.id`). Paths are checked against the tool's output schema before
anything is sent, so a misspelt path is an input error, never a silently empty answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Tree = dict[str, "Tree"]


def _alternatives(schema: Any) -> list[Mapping[str, Any]]:
    """The schema and its `anyOf`/`oneOf` branches, with arrays replaced by their items."""
    found: list[Mapping[str, Any]] = []
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, Mapping):
            continue
        pending.extend(node.get("anyOf", []) + node.get("oneOf", []))
        if "items" in node:
            pending.append(node["items"])
        found.append(node)
    return found


def _open(node: Mapping[str, Any]) -> bool:
    """An object that takes properties it does not list: declared open, or free-form (an
    object with no `properties` at all, such as custom_attributes)."""
    extra = node.get("additionalProperties")
    if extra is False:
        return False
    return extra is not None or ("properties" not in node and node.get("type") == "object")


def _step(schema: Any, name: str) -> list[Any] | None:
    """The schemas of property `name` below `schema`; None when it cannot have one, and an
    empty list when any name is allowed (an object declared open to more properties).
    An object that lists properties and does not declare `additionalProperties` holds only
    those, as far as paths go, so a misspelt name is caught."""
    found: list[Any] = []
    open_ended = False
    for node in _alternatives(schema):
        properties = node.get("properties", {})
        if name in properties:
            found.append(properties[name])
        elif _open(node):
            open_ended = True
    if found:
        return found
    return [] if open_ended else None


def unknown_paths(output_schema: Mapping[str, Any], paths: Iterable[str]) -> list[str]:
    """The paths that name nothing the output can hold."""
    unknown = []
    for path in paths:
        schemas: list[Any] = [output_schema]
        for name in path.split("."):
            following: list[Any] = []
            for schema in schemas:
                step = _step(schema, name)
                if step == []:
                    following = []
                    break
                following.extend(step or [])
            else:
                if not following:
                    unknown.append(path)
                    break
                schemas = following
                continue
            break
    return unknown


def _tree(paths: Iterable[str]) -> Tree:
    tree: Tree = {}
    for path in paths:
        node = tree
        for name in path.split("."):
            node = node.setdefault(name, {})
    return tree


def _keep(value: Any, tree: Tree) -> Any:
    if not tree:
        return value
    if isinstance(value, list):
        return [_keep(item, tree) for item in value]
    if isinstance(value, dict):
        return {name: _keep(value[name], below) for name, below in tree.items() if name in value}
    return value


def project(output: dict[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """`output` with only the parts that `paths` name (a path is at most a few names deep)."""
    kept: dict[str, Any] = _keep(output, _tree(paths))
    return kept

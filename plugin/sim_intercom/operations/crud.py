"""One declaration for a resource Intercom serves the simple way: list, create, get, update
and delete on `path` and `path/{id}`, each a tool named `intercom_<verb>_<noun>`."""

from __future__ import annotations

from typing import Any

from ..paging import Pager
from .base import (
    Operation,
    Output,
    Params,
    Shape,
    as_object,
    cursor_list,
    records,
    single,
    whole_list,
)

VERBS = ("list", "create", "get", "update", "delete")


def deletion(kind: str, id_param: str) -> Shape:
    """Output `{id, object, deleted}`, as Intercom answers a delete; an answer without a
    body (a 204) is a deletion of the id asked for."""

    def shape(body: Any, params: Params) -> Output:
        if body is None:
            return {"id": str(params[id_param]), "object": kind, "deleted": True}
        body = as_object(body, "the deletion")
        return {
            "id": str(body.get("id")),
            "object": body.get("object"),
            "deleted": body.get("deleted"),
        }

    return shape


def fields_of(*names: str) -> Shape:
    """Output the named fields of an answer that is no record (an export job, the IP
    allowlist), each null when Intercom left it out."""

    def shape(body: Any, params: Params) -> Output:
        body = as_object(body)
        return {name: body.get(name) for name in names}

    return shape


def nested_list(key: str, source: str) -> Shape:
    """Output `{key: [...], total_count, next_starting_after}` from a search answer whose
    `data` is an object holding the records under `source` (article searches)."""
    paged = cursor_list(key, "data")

    def shape(body: Any, params: Params) -> Output:
        body = as_object(body)
        data = as_object(body.get("data") or {}, "'data'")
        return paged({**body, "data": records(data, source)}, params)

    return shape


def crud(
    noun: str,
    path: str,
    id_param: str,
    *,
    plural: str | None = None,
    verbs: tuple[str, ...] = VERBS,
    paged: bool = True,
    **options: Any,
) -> tuple[Operation, ...]:
    """The operations of `verbs` for one resource; `options` (`convert`, `rename`...) apply to
    its writes. A list without pages (`paged=False`) comes whole."""
    plural = plural or f"{noun}s"
    one = f"{path}/{{{id_param}}}"
    listing = cursor_list(plural, "data") if paged else whole_list(plural, "data")
    declared = {
        "list": Operation(
            f"intercom_list_{plural}",
            "GET",
            path,
            listing,
            pager=Pager(plural) if paged else None,
        ),
        "create": Operation(f"intercom_create_{noun}", "POST", path, single(noun), **options),
        "get": Operation(f"intercom_get_{noun}", "GET", one, single(noun)),
        "update": Operation(f"intercom_update_{noun}", "PUT", one, single(noun), **options),
        "delete": Operation(f"intercom_delete_{noun}", "DELETE", one, deletion(noun, id_param)),
    }
    return tuple(declared[verb] for verb in verbs)

"""How an operation is declared: method, path, where each parameter goes, the output shape."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client import ApiRequest, IntercomClient, encode_path_segment
from ..errors import Conflict, IntercomError, InvalidResponse
from ..paging import Pager
from ..transport import JSON_TYPE

Params = dict[str, Any]
Output = dict[str, Any]
Shape = Callable[[Any, Params], Output]
BodyBuilder = Callable[[Params], dict[str, Any]]
Refine = Callable[[Params], Params]
Lookup = Callable[[Params, IntercomClient], Params]
AfterStep = Callable[[Output, Params, IntercomClient], Output]
Recover = Callable[[Conflict, Mapping[str, Any], IntercomClient], Any]

# Options of the plugin itself, which shape the output and are never sent to Intercom.
PLUGIN_OPTIONS = ("fields", "max_items")


class PartialResult(Exception):
    """The main write succeeded but a follow-up step failed; `output` keeps what was written."""

    def __init__(self, output: Output, error: IntercomError, stage: str, message: str) -> None:
        super().__init__(message)
        self.output = output
        self.error = error
        self.stage = stage
        self.message = message


def as_object(body: Any, what: str = "the answer") -> dict[str, Any]:
    """The body as a JSON object, or the error a host sees when Intercom sent something else."""
    if not isinstance(body, dict):
        raise InvalidResponse(f"Intercom sent {type(body).__name__} as {what}, expected an object")
    return body


def is_id(value: Any) -> bool:
    """Intercom ids are strings, or integers in a few older objects."""
    return (isinstance(value, str) and value != "") or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def as_record(body: Any, what: str = "the answer") -> dict[str, Any]:
    """An Intercom object that the tool relies on: a JSON object with an `id`."""
    record = as_object(body, what)
    if not is_id(record.get("id")):
        raise InvalidResponse(f"Intercom sent {what} without an id")
    return record


def optional_int(body: Mapping[str, Any], name: str, default: int | None) -> int | None:
    """An integer field of the answer, `default` when absent; the wrong type is an error."""
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidResponse(f"Intercom's {name!r} is {type(value).__name__}, not an integer")
    return value


@dataclass(frozen=True)
class UniqueKey:
    """A parameter whose value Intercom keeps unique, so that a repeated create meets a 409
    instead of writing a second copy. `when` holds values other parameters must have for
    that to be so: an email is unique among users only, leads may share one."""

    name: str
    when: Mapping[str, Any] = field(default_factory=dict)

    def holds(self, params: Params) -> bool:
        return self.name in params and all(params.get(k) == v for k, v in self.when.items())


@dataclass(frozen=True)
class Operation:
    """One tool's request to Intercom, as data; code only where Intercom's semantics need it.

    `path` names path parameters in braces (`/contacts/{contactId}`). Every other parameter
    the caller gave (the schema says which exist) is sent as it is: in the query string for
    GET and DELETE or when `in_query`, else in the JSON body; `local` names parameters the
    plugin uses itself instead. `rename` maps a parameter to Intercom's name; `convert`
    turns one into the type Intercom declares (string ids to integers).
    `lookups` are explicit steps that fetch what the request needs from Intercom before the
    request is built; building it (`build_body`) is pure. `pager` says how a list or
    search pages, so `max_items` can gather many pages into one output.

    Retry safety where it depends on the parameters (the tool's `idempotentHint` is then
    false, as it must hold for every call): `safe_without` names parameters that make a
    repeat add something a person sees (a part with a `body`); without any of them the
    write is safe to repeat. `unique_keys` make a create safe to repeat when one holds
    (Intercom answers a duplicate with 409), and `recover` then fetches what an earlier,
    uncertain try of this call wrote, or raises the conflict when it is not that.
    `accept`, for the few answers that are not JSON, is the media type asked for: the
    shape then gets a `Download` (type, bytes, URL), or with `raw` the `Answer` itself
    (status, headers, bytes), a redirect included.
    """

    tool_id: str
    method: str
    path: str
    shape: Shape
    in_query: bool = False
    local: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    convert: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    refine: Refine | None = None
    lookups: tuple[Lookup, ...] = ()
    build_body: BodyBuilder | None = None
    safe_without: tuple[str, ...] = ()
    unique_keys: tuple[UniqueKey, ...] = ()
    recover: Recover | None = None
    after: AfterStep | None = None
    pager: Pager | None = None
    accept: str = JSON_TYPE
    raw: bool = False

    def retry_safe(self, params: Params, hinted: bool) -> bool:
        """Whether this call may be sent again after it may have reached Intercom: always
        when the tool is read-only or idempotent (`hinted`), else as its parameters say."""
        if hinted:
            return True
        if self.safe_without and not any(name in params for name in self.safe_without):
            return True
        return self._unique(params)

    def _unique(self, params: Params) -> bool:
        return any(key.holds(params) for key in self.unique_keys)

    def path_parameters(self) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.path) if name]

    def _value(self, name: str, params: Params) -> Any:
        converter = self.convert.get(name)
        return converter(params[name]) if converter else params[name]

    def _rest(self, params: Params) -> dict[str, Any]:
        """The parameters sent as they are: all but the path's and the plugin's own."""
        kept = {*self.path_parameters(), *self.local, *PLUGIN_OPTIONS}
        return {
            self.rename.get(name, name): self._value(name, params)
            for name in params
            if name not in kept
        }

    def request(self, params: Params) -> ApiRequest:
        """The request for these parameters; pure: no lookup, no network."""
        path = self.path.format(
            **{name: encode_path_segment(params[name]) for name in self.path_parameters()}
        )
        if self.raw:
            return ApiRequest(self.method, path, raw=True, accept=self.accept)
        if self.build_body is not None:
            return ApiRequest(self.method, path, {}, self.build_body(params), self.accept)
        if self.in_query or self.method in ("GET", "DELETE"):
            return ApiRequest(self.method, path, self._rest(params), None, self.accept)
        return ApiRequest(self.method, path, {}, self._rest(params), self.accept)

    def run(self, params: Params, client: IntercomClient, page_size: int = 50) -> Output:
        """One page, or with `max_items` as many pages as it takes (`page_size` records
        each at most, the largest page Intercom serves)."""
        if self.pager is not None and "max_items" in params:
            return self.pager.gather(lambda page: self._once(page, client), params, page_size)
        return self._once(params, client)

    def _once(self, params: Params, client: IntercomClient) -> Output:
        """Look up what is needed, send the request, shape the answer, run the follow-up."""
        for lookup in self.lookups:
            params = lookup(params, client)
        output = self.shape(self._send(self.request(params), params, client), params)
        if self.after is not None:
            output = self.after(output, params, client)
        return output

    def _send(self, request: ApiRequest, params: Params, client: IntercomClient) -> Any:
        try:
            return client.send(request)
        except Conflict as conflict:
            if conflict.after_unknown and self.recover is not None and self._unique(params):
                return self.recover(conflict, request.body or {}, client)
            raise


def single(key: str) -> Shape:
    """Output `{key: <the object Intercom returned>}`; the object must have an id."""

    def shape(body: Any, params: Params) -> Output:
        return {key: as_record(body, f"the {key}")}

    return shape


def next_cursor(body: Mapping[str, Any]) -> str | None:
    """Intercom's `pages.next.starting_after`, or None on the last page."""
    pages = body.get("pages")
    if pages is None:
        return None
    following = as_object(pages, "'pages'").get("next")
    if not isinstance(following, dict):
        return None
    cursor = following.get("starting_after")
    if cursor is not None and not isinstance(cursor, str):
        raise InvalidResponse("Intercom's 'pages.next.starting_after' is not a string")
    return cursor or None


def records(body: Mapping[str, Any], source: str) -> list[dict[str, Any]]:
    """The list of objects under `source`, each with an id."""
    items = body.get(source)
    if items is None:
        return []
    if not isinstance(items, list):
        raise InvalidResponse(f"Intercom's {source!r} is not a list")
    return [as_record(item, f"an item of {source!r}") for item in items]


def cursor_list(key: str, source: str, pages: bool = False) -> Shape:
    """Output `{key: [...], total_count, next_starting_after}` from a cursor-paged answer;
    with `pages`, also Intercom's own `pages` object, as Sim's tools return it."""

    def shape(body: Any, params: Params) -> Output:
        body = as_object(body)
        items = records(body, source)
        output = {
            key: items,
            "total_count": optional_int(body, "total_count", len(items)),
            "next_starting_after": next_cursor(body),
        }
        if pages:
            output["pages"] = body.get("pages")
        return output

    return shape


def whole_list(key: str, source: str) -> Shape:
    """Output `{key: [...], total_count}` from an answer that lists everything at once
    (admins, tags: Intercom neither pages them nor counts them)."""

    def shape(body: Any, params: Params) -> Output:
        items = records(as_object(body), source)
        return {key: items, "total_count": len(items)}

    return shape


def record_and_id(key: str, id_key: str) -> Shape:
    """Output `{key: <the object>, id_key: <its id, as text>}`."""

    def shape(body: Any, params: Params) -> Output:
        record = as_record(body, f"the {key}")
        return {key: record, id_key: str(record["id"])}

    return shape


def deleted(kind: str) -> Shape:
    """Output `{id, object, deleted}` of a deleted conversation or ticket."""

    def shape(body: Any, params: Params) -> Output:
        record = as_record(body, f"the deleted {kind}")
        return {"id": str(record["id"]), "object": kind, "deleted": record.get("deleted") is True}

    return shape

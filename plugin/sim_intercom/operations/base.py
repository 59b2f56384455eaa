"""How an operation is declared: method, path, where each parameter goes, the output shape."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client import ApiRequest, IntercomClient, encode_path_segment
from ..errors import IntercomError, InvalidResponse

Params = dict[str, Any]
Output = dict[str, Any]
Shape = Callable[[Any, Params], Output]
BodyBuilder = Callable[[Params, IntercomClient], dict[str, Any]]
Refine = Callable[[Params], Params]
AfterStep = Callable[[Output, Params, IntercomClient], Output]


class PartialResult(Exception):
    """The main write succeeded but a follow-up step failed; `output` keeps what was written."""

    def __init__(self, output: Output, error: IntercomError, stage: str, message: str) -> None:
        super().__init__(message)
        self.output = output
        self.error = error
        self.stage = stage
        self.message = message


def as_object(body: Any) -> dict[str, Any]:
    """The body as a JSON object, or the error a host sees when Intercom sent something else."""
    if not isinstance(body, dict):
        raise InvalidResponse(f"Intercom answered with {type(body).__name__}, expected an object")
    return body


@dataclass(frozen=True)
class Operation:
    """One tool's request to Intercom, as data; code only where Intercom's semantics need it.

    `path` names path parameters in braces (`/contacts/{contactId}`); `query` and `body`
    list the parameters sent as they are; `rename` maps a parameter to Intercom's name;
    `convert` turns a parameter into the type Intercom declares (string ids to integers).
    """

    tool_id: str
    method: str
    path: str
    shape: Shape
    query: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    convert: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    refine: Refine | None = None
    build_body: BodyBuilder | None = None
    after: AfterStep | None = None

    def path_parameters(self) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.path) if name]

    def _value(self, name: str, params: Params) -> Any:
        converter = self.convert.get(name)
        return converter(params[name]) if converter else params[name]

    def _pick(self, names: tuple[str, ...], params: Params) -> dict[str, Any]:
        return {self.rename.get(n, n): self._value(n, params) for n in names if n in params}

    def request(self, params: Params, client: IntercomClient) -> ApiRequest:
        path = self.path.format(
            **{name: encode_path_segment(params[name]) for name in self.path_parameters()}
        )
        body: dict[str, Any] | None = None
        if self.build_body is not None:
            body = self.build_body(params, client)
        elif self.body:
            body = self._pick(self.body, params)
        return ApiRequest(self.method, path, self._pick(self.query, params), body)

    def run(self, params: Params, client: IntercomClient) -> Output:
        """Send the request, shape the answer, then run the follow-up step if any."""
        output = self.shape(client.send(self.request(params, client)), params)
        if self.after is not None:
            output = self.after(output, params, client)
        return output


def single(key: str) -> Shape:
    """Output `{key: <the object Intercom returned>}`."""

    def shape(body: Any, params: Params) -> Output:
        return {key: as_object(body)}

    return shape


def next_cursor(body: Mapping[str, Any]) -> str | None:
    """Intercom's `pages.next.starting_after`, or None on the last page."""
    pages = body.get("pages")
    following = pages.get("next") if isinstance(pages, dict) else None
    if isinstance(following, dict):
        return following.get("starting_after") or None
    return None


def cursor_list(key: str, source: str) -> Shape:
    """Output `{key: [...], total_count, next_starting_after}` from a cursor-paged answer."""

    def shape(body: Any, params: Params) -> Output:
        body = as_object(body)
        items = body.get(source) or []
        if not isinstance(items, list):
            raise InvalidResponse(f"Intercom's {source!r} is not a list")
        return {
            key: items,
            "total_count": body.get("total_count", len(items)),
            "next_starting_after": next_cursor(body),
        }

    return shape

"""Turns a workflow step's raw parameters into checked, decoded values, or says what is wrong.

Steps (DESIGN.md 2-4): blank optional fields are absent; numeric and boolean strings
are coerced to the schema's type; the input is validated against the tool's JSON
Schema with every violation reported at once; JSON-text parameters
(`contentMediaType: application/json`) are decoded and checked against their
`contentSchema`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from .errors import MAX_VIOLATIONS, InvalidInput, Violation
from .guard import quote, value_problem
from .manifest import Tool
from .shaping import unknown_paths

JSON_MEDIA_TYPE = "application/json"
Params = dict[str, Any]
# ASCII digits only: `\d` and `int()` would also read "٤٢" as 42.
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_MAX_NUMBER_TEXT = 40
_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "an array",
    "null": "null",
}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type", ())
    return {declared} if isinstance(declared, str) else set(declared)


def _coerce(value: Any, schema: Mapping[str, Any]) -> Any:
    """Block values arrive as text: "42" for a number, "true" for a boolean, and
    "a, b" for a list of text."""
    types = _types(schema)
    if isinstance(value, str) and types == {"array"} and "string" in _types(schema["items"]):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, str) and len(value) <= _MAX_NUMBER_TEXT:
        text = value.strip()
        if "integer" in types and _INTEGER_TEXT.fullmatch(text):
            return int(text)
        if types & {"integer", "number"} and _NUMBER_TEXT.fullmatch(text):
            number = float(text)
            if not math.isfinite(number):  # "1e999": left as text, so the type check says so
                return value
            return int(number) if number.is_integer() and "integer" in types else number
        if "boolean" in types and text.lower() in ("true", "false"):
            return text.lower() == "true"
        return value
    if isinstance(value, float) and "integer" in types and value.is_integer():
        return int(value)
    is_json_text = schema.get("contentMediaType") == JSON_MEDIA_TYPE
    if "string" in types and is_json_text and isinstance(value, dict | list):
        return json.dumps(value)
    if "string" in types and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def normalise(schema: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Drop blank fields and coerce text to each property's declared type."""
    properties = schema.get("properties", {})
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if _is_blank(value):
            continue
        params[name] = _coerce(value, properties.get(name, {}))
    return params


def _describe_type(schema_types: Any) -> str:
    names = [schema_types] if isinstance(schema_types, str) else list(schema_types)
    return " or ".join(_TYPE_NAMES.get(name, name) for name in names)


def _condition_text(error: ValidationError, root_schema: Mapping[str, Any]) -> str:
    """For a failed `then`, the `if` that triggered it, e.g. " when message_type is 'email'"."""
    path = list(error.schema_path)
    if "then" not in path:
        return ""
    schema: Any = root_schema
    for part in path[: path.index("then")]:
        schema = schema[part]
    conditions = [
        f"{name} is {rule['const']!r}"
        for name, rule in schema.get("if", {}).get("properties", {}).items()
        if isinstance(rule, dict) and "const" in rule
    ]
    return f" when {' and '.join(conditions)}" if conditions else ""


def _message(error: ValidationError) -> str:
    validator = error.validator
    value: Any = error.validator_value
    instance: Any = error.instance
    match validator:
        case "type":
            return f"must be {_describe_type(value)}, got {quote(instance)}"
        case "enum":
            return f"must be one of {', '.join(map(str, value))}; got {quote(instance)}"
        case "const":
            return f"must be {value!r}, got {quote(instance)}"
        case "maximum":
            return f"must be at most {value}, got {quote(instance)}"
        case "minimum":
            return f"must be at least {value}, got {quote(instance)}"
        case "minLength":
            return "must not be empty" if value == 1 else f"must be at least {value} characters"
        case "maxLength":
            return f"must be at most {value} characters"
        case "pattern":
            if value == "^[0-9]{1,18}$":
                return f"must be a numeric id (1 to 18 digits), got {quote(instance)}"
            return f"must match {value}, got {quote(instance)}"
        case "minItems":
            return "must not be empty" if value == 1 else f"must have at least {value} items"
        case "maxItems":
            return f"must have at most {value} items, got {len(instance)}"
        case "minProperties" | "maxProperties":
            bound = "at least" if validator == "minProperties" else "at most"
            return f"must have {bound} {value} keys"
        case "additionalProperties":
            extra = sorted(set(instance) - set(_schema_of(error).get("properties", {})))
            return f"unexpected key(s) {quote(extra)}"
        case "required":
            return "is required"
        case "oneOf" | "anyOf":
            return _alternatives_message(error)
        case _:
            return error.message[:300]


def _schema_of(error: ValidationError) -> Mapping[str, Any]:
    schema: Any = error.schema
    return schema if isinstance(schema, Mapping) else {}


def _alternatives_message(error: ValidationError) -> str:
    branches: Any = error.validator_value
    if all(set(b) == {"required"} for b in branches if isinstance(b, dict)):
        names = [name for b in branches for name in b["required"]]
        if error.validator == "oneOf" and isinstance(error.instance, dict):
            present = [n for n in names if n in error.instance]
            if len(present) > 1:
                return f"give exactly one of {', '.join(names)}, not {' and '.join(present)}"
        return (
            f"give {'exactly' if error.validator == 'oneOf' else 'at least'} one of "
            + ", ".join(names)
        )
    deepest = best_match(error.context) if error.context else None
    if deepest is not None and deepest.validator not in ("oneOf", "anyOf"):
        where = dotted(deepest.relative_path)
        message = _message(deepest)
        return f"{where}: {message}" if deepest.relative_path else message
    return "does not match any allowed form"


def dotted(parts: Iterable[Any]) -> str:
    """A place in the input as a reader writes it: `query.value[0].field`."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{str(p)[:60]}" for p in parts)
    return where.lstrip(".") or "input"


def _explain(error: ValidationError, root_schema: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key below the error's place, message) for each problem one schema error states."""
    match error.validator:
        case "required":
            missing = error.message.split("'")[1]
            return [(missing, f"is required{_condition_text(error, root_schema)}")]
        case "additionalProperties":
            instance: Any = error.instance
            extra = set(instance) - set(_schema_of(error).get("properties", {}))
            noun = "a parameter of this tool" if not error.absolute_path else "an allowed key"
            return [(name, f"is not {noun}") for name in sorted(extra)]
        case "dependentRequired":
            dependencies: Any = error.validator_value
            present: Any = error.instance
            return [
                (name, f"needs {' and '.join(needed)}: say which field it applies to")
                for name, needed in dependencies.items()
                if name in present and any(n not in present for n in needed)
            ]
        case "anyOf" | "oneOf" if not error.absolute_path:
            branches: Any = error.validator_value
            names = [n for b in branches if isinstance(b, dict) for n in b.get("required", [])]
            return [(" or ".join(names), _message(error))]
        case _:
            return [("", _message(error))]


def _violations(
    errors: Iterable[ValidationError],
    root: str | None = None,
    root_schema: Mapping[str, Any] | None = None,
) -> list[Violation]:
    """One violation per problem, each named by its full place, none repeated."""
    found: dict[Violation, None] = {}
    for error in errors:
        place = [*([root] if root else []), *error.absolute_path]
        for key, message in _explain(error, root_schema or {}):
            found[Violation(dotted([*place, key] if key else place), message)] = None
            if len(found) >= MAX_VIOLATIONS:
                return list(found)
    return list(found)


def _decode_json_text(
    name: str, text: str, schema: Mapping[str, Any]
) -> tuple[Any, list[Violation]]:
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        return None, [Violation(name, f"is not valid JSON: {exc.msg} at {where}")]
    except (ValueError, RecursionError) as exc:
        reason = "it nests too deep" if isinstance(exc, RecursionError) else str(exc)[:200]
        return None, [Violation(name, f"is not JSON that can be sent: {reason}")]
    problem = value_problem(value)
    if problem:
        return None, [Violation(name, f"holds JSON that {problem}")]
    content_schema = schema.get("contentSchema")
    if not content_schema:
        return value, []
    validator = Draft202012Validator(content_schema)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    return value, _violations(errors, root=name)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _sorted_errors(
    validator: Draft202012Validator, params: Mapping[str, Any]
) -> list[ValidationError]:
    return sorted(validator.iter_errors(params), key=lambda e: [str(p) for p in e.absolute_path])


class InputChecker:
    """Validates and decodes the parameters of one tool."""

    def __init__(self, tool: Tool) -> None:
        self.schema = tool.input_schema
        self.output_schema = tool.output_schema
        self.validator = Draft202012Validator(self.schema)
        self.json_text = {
            name: prop
            for name, prop in self.schema.get("properties", {}).items()
            if prop.get("contentMediaType") == JSON_MEDIA_TYPE
        }

    def check(
        self, raw: Mapping[str, Any], refine: Callable[[Params], Params] | None = None
    ) -> Params:
        """Return the decoded (and refined) parameters, or raise `InvalidInput` listing every
        violation: the schema's, the JSON texts', and the operation's own `refine` checks,
        which see every parameter that is valid so far."""
        params = normalise(self.schema, raw)
        violations = _violations(_sorted_errors(self.validator, params), root_schema=self.schema)
        bad = {_parameter_of(v.parameter) for v in violations}
        for name, prop in self.json_text.items():
            if name in params and name not in bad and isinstance(params[name], str):
                params[name], problems = _decode_json_text(name, params[name], prop)
                violations.extend(problems)
        if "fields" in params and "fields" not in bad:
            violations.extend(
                Violation("fields", f"{path!r} names nothing in this tool's output")
                for path in unknown_paths(self.output_schema, params["fields"])
            )
        if refine is not None:
            named = {_parameter_of(v.parameter) for v in violations}
            try:
                params = refine({k: v for k, v in params.items() if k not in named})
            except InvalidInput as invalid:
                violations.extend(invalid.violations)
        if violations:
            raise InvalidInput.from_violations(violations)
        return params


def _parameter_of(place: str) -> str:
    """The parameter a place is in: `query` for `query.value[0]`."""
    return re.split(r"[.\[]", place, maxsplit=1)[0]

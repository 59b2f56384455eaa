"""Tenants: whose Intercom token, base URL and settings a call acts with, and which tools
it may use; and the keys file that maps client keys to tenants.

A keys file (JSON, or YAML) lists tenants:

    {"tenants": [{"name": "acme", "key_sha256": "<hex sha256 of the client key>",
                  "accessTokenFile": "acme-token.txt", "region": "eu",
                  "toolsets": ["default"], "readOnly": false}]}

`accessToken` may stand in for `accessTokenFile` (a relative path is read beside the keys
file); `baseUrl`, `region`, `toolsets`, `tools`, `readOnly` and the numeric settings
(`connectTimeout`, `readTimeout`, `maxRetries`, `maxWait`, `intercomVersion`) are optional.
The file holds no usable client key, only its hash; `new_key` makes a key and its line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..manifest import Catalog, default_catalog
from ..selection import SelectionError, select_tools
from ..settings import SETTINGS, TOKEN_CREDENTIAL, read_config, token_problem

KEY_PREFIX = "sik_"  # "sim-intercom key": a key found in a log or a paste is recognisable
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
CONNECTION_FIELDS = ("baseUrl", "region", "intercomVersion", *(s.name for s in SETTINGS))
SELECTION_FIELDS = ("toolsets", "tools", "readOnly")
FIELDS = ("name", "key_sha256", TOKEN_CREDENTIAL, "accessTokenFile", *CONNECTION_FIELDS)
FIELDS += SELECTION_FIELDS


class KeysFileError(ValueError):
    """A keys file that cannot be used; the message names the file, the field and the
    problem, and never quotes a token."""


@dataclass(frozen=True)
class Tenant:
    """One tenant: the credentials every call of its clients acts with (the token among
    them, kept out of `repr`), and its allowance of tools (`select_tools`' arguments)."""

    name: str
    credentials: Mapping[str, Any] = field(repr=False)
    toolsets: tuple[str, ...] | None = None
    tools: tuple[str, ...] = ()
    read_only: bool = False

    @property
    def token(self) -> str:
        return str(self.credentials[TOKEN_CREDENTIAL])

    def allowance(self, catalog: Catalog | None = None) -> list[str]:
        """The ids of every tool this tenant may use, in catalog order."""
        chosen = select_tools(
            catalog or default_catalog(), self.toolsets, self.tools, self.read_only
        )
        return [tool.id for tool in chosen]


def key_digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


class KeyRing:
    """The tenants of a keys file, found by their client key's hash."""

    def __init__(self, entries: Sequence[tuple[bytes, Tenant]]) -> None:
        self._entries = list(entries)

    @property
    def tenants(self) -> list[Tenant]:
        return [tenant for _digest, tenant in self._entries]

    def find(self, key: str) -> Tenant | None:
        """The tenant whose key is `key`, or None. Every entry is compared, in constant
        time, whichever matches: how long it takes says nothing of the keys."""
        digest = key_digest(key)
        found = None
        for expected, tenant in self._entries:
            if hmac.compare_digest(digest, expected):
                found = tenant
        return found


def new_key(name: str) -> tuple[str, dict[str, Any]]:
    """A new client key for tenant `name`, and the keys-file entry that admits it (with a
    placeholder for the token file)."""
    if not NAME.fullmatch(name):
        raise KeysFileError(
            "a tenant name is 1 to 64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit"
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    entry = {
        "name": name,
        "key_sha256": key_digest(key).hex(),
        "accessTokenFile": f"{name}-intercom-token.txt",
    }
    return key, entry


def load_keys_file(path: str | Path, catalog: Catalog | None = None) -> KeyRing:
    """The tenants of the keys file at `path`, each checked; `KeysFileError` otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KeysFileError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError:
        raise KeysFileError(f"{path} is not UTF-8 text") from None
    try:
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise KeysFileError(f"{path} is not valid JSON or YAML") from None
    tenants = document.get("tenants") if isinstance(document, dict) else None
    if not isinstance(tenants, list) or not tenants:
        raise KeysFileError(f'{path}: needs "tenants", a non-empty list')
    catalog = catalog or default_catalog()
    entries: list[tuple[bytes, Tenant]] = []
    for index, raw in enumerate(tenants):
        where = f"{path}: tenants[{index}]"
        entries.append(_entry(raw, where, path.parent, catalog))
    _check_unique(entries, path)
    return KeyRing(entries)


def _check_unique(entries: Sequence[tuple[bytes, Tenant]], path: Path) -> None:
    names = [tenant.name for _digest, tenant in entries]
    digests = [digest for digest, _tenant in entries]
    for index, name in enumerate(names):
        if names.index(name) != index:
            raise KeysFileError(f"{path}: tenants[{index}].name: {name!r} is given twice")
        if digests.index(digests[index]) != index:
            raise KeysFileError(f"{path}: tenants[{index}].key_sha256: the same key is given twice")


def _entry(raw: Any, where: str, folder: Path, catalog: Catalog) -> tuple[bytes, Tenant]:
    if not isinstance(raw, dict):
        raise KeysFileError(f"{where}: must be an object")
    unknown = [str(key)[:40] for key in raw if key not in FIELDS]
    if unknown:
        raise KeysFileError(f"{where}: unknown field {unknown[0]!r}; fields: {', '.join(FIELDS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise KeysFileError(
            f"{where}.name: must be 1 to 64 letters, digits, '.', '_' or '-' (a log shows it)"
        )
    digest = raw.get("key_sha256")
    if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest.lower()):
        raise KeysFileError(
            f"{where}.key_sha256: must be the 64 hex digits of the client key's sha256 "
            "(sim-intercom mcp keygen prints it)"
        )
    credentials = {key: raw[key] for key in CONNECTION_FIELDS if raw.get(key) not in (None, "")}
    credentials[TOKEN_CREDENTIAL] = _token(raw, where, folder)
    _check_credentials(credentials, where)
    tenant = Tenant(name, credentials, *_selection(raw, where))
    try:
        tenant.allowance(catalog)
    except SelectionError as exc:
        raise KeysFileError(f"{where}: {exc}") from None
    return bytes.fromhex(digest.lower()), tenant


def _token(raw: Mapping[str, Any], where: str, folder: Path) -> str:
    token, token_file = raw.get(TOKEN_CREDENTIAL), raw.get("accessTokenFile")
    if (token is None) == (token_file is None):
        raise KeysFileError(f"{where}: give exactly one of accessTokenFile and accessToken")
    if token_file is not None:
        if not isinstance(token_file, str) or not token_file:
            raise KeysFileError(f"{where}.accessTokenFile: must be a path")
        file = folder / Path(token_file).expanduser()
        try:
            token = file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise KeysFileError(f"{where}.accessTokenFile: cannot read {file}: {reason}") from None
    problem = token_problem(token)
    if problem:
        field_name = "accessTokenFile" if token_file is not None else TOKEN_CREDENTIAL
        raise KeysFileError(f"{where}.{field_name}: the token {problem}")
    return str(token)


def _check_credentials(credentials: Mapping[str, Any], where: str) -> None:
    _config, violations = read_config(credentials, environ={})
    if violations:
        first = violations[0]
        raise KeysFileError(f"{where}.{first.parameter}: {first.message}")


def _selection(
    raw: Mapping[str, Any], where: str
) -> tuple[tuple[str, ...] | None, tuple[str, ...], bool]:
    names: dict[str, tuple[str, ...] | None] = {"toolsets": None, "tools": ()}
    for key in names:
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise KeysFileError(f"{where}.{key}: must be a list of names")
        names[key] = tuple(value)
    read_only = raw.get("readOnly", False)
    if not isinstance(read_only, bool):
        raise KeysFileError(f"{where}.readOnly: must be true or false")
    return names["toolsets"], names["tools"] or (), read_only

"""The remote server's parts on their own: the keys file, the tenants, the per-request
selection and the store (in memory, and in a real redis-server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp")

from mcp_helpers import reading_tools_of, tools_of
from redis_helpers import RedisProcess
from sim_intercom.remote.app import served_tools
from sim_intercom.remote.store import MemoryStore, RedisStore, StoreUnavailable, fernet_key
from sim_intercom.remote.tenants import KeysFileError, Tenant, load_keys_file, new_key
from sim_intercom.selection import SelectionError

TOKEN = "tenant-intercom-token-0123456789"
SECRET = "s" * 40


def keys_file(tmp_path: Path, *entries: dict[str, Any], suffix: str = ".json") -> Path:
    path = tmp_path / f"keys{suffix}"
    path.write_text(json.dumps({"tenants": list(entries)}))
    return path


def entry(name: str = "acme", **extra: Any) -> tuple[str, dict[str, Any]]:
    key, made = new_key(name)
    made.pop("accessTokenFile")
    return key, {**made, "accessToken": TOKEN, **extra}


# The keys file and the key ring


def test_a_key_finds_its_tenant_and_no_other(tmp_path: Path) -> None:
    acme_key, acme = entry("acme", region="eu")
    globex_key, globex = entry("globex")
    ring = load_keys_file(keys_file(tmp_path, acme, globex))
    found = ring.find(acme_key)
    assert found is not None and found.name == "acme"
    assert found.credentials == {"region": "eu", "accessToken": TOKEN}
    assert ring.find(globex_key).name == "globex"  # type: ignore[union-attr]
    assert ring.find(acme_key + "x") is None
    assert ring.find("") is None


def test_a_yaml_keys_file_reads_the_token_file_beside_it(tmp_path: Path) -> None:
    key, made = new_key("acme")
    (tmp_path / made["accessTokenFile"]).write_text(TOKEN + "\n")
    path = tmp_path / "tenants.yaml"
    path.write_text(f"tenants:\n  - {json.dumps(made)}\n")
    tenant = load_keys_file(path).find(key)
    assert tenant is not None and tenant.token == TOKEN


def test_a_tenants_repr_never_shows_its_token() -> None:
    tenant = Tenant("acme", {"accessToken": TOKEN})
    assert TOKEN not in repr(tenant)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"name": "a b"}, "tenants[0].name"),
        ({"key_sha256": "abc"}, "tenants[0].key_sha256"),
        ({"accessToken": None}, "exactly one of accessTokenFile and accessToken"),
        ({"accessTokenFile": "missing.txt"}, "exactly one of"),
        ({"accessToken": "bad token\n"}, "tenants[0].accessToken: the token"),
        ({"baseUrl": "http://intercom.example.com"}, "tenants[0].baseUrl: must be an https URL"),
        ({"region": "mars"}, "tenants[0].region"),
        ({"maxRetries": 99}, "tenants[0].maxRetries"),
        ({"toolsets": ["contacts", "nonsense"]}, "unknown toolset 'nonsense'"),
        ({"tools": "intercom_get_contact"}, "tenants[0].tools: must be a list"),
        ({"readOnly": "yes"}, "tenants[0].readOnly"),
        ({"password": "x"}, "unknown field 'password'"),
    ],
)
def test_a_bad_keys_file_names_the_field_and_never_the_token(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    _key, made = entry()
    made = {k: v for k, v in {**made, **change}.items() if v is not None}
    with pytest.raises(KeysFileError) as caught:
        load_keys_file(keys_file(tmp_path, made))
    assert problem in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_two_tenants_with_one_key_or_one_name_are_refused(tmp_path: Path) -> None:
    _key, acme = entry("acme")
    with pytest.raises(KeysFileError, match=r"tenants\[1\]\.name"):
        load_keys_file(keys_file(tmp_path, acme, {**acme, "key_sha256": "0" * 64}))
    with pytest.raises(KeysFileError, match="the same key is given twice"):
        load_keys_file(keys_file(tmp_path, acme, {**acme, "name": "other"}))


def test_a_keys_file_without_tenants_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text('{"tenants": []}')
    with pytest.raises(KeysFileError, match="non-empty list"):
        load_keys_file(path)


def test_keygen_refuses_a_name_a_log_could_not_show() -> None:
    with pytest.raises(KeysFileError):
        new_key("acme corp\n")


# Selection within the allowance


def tenant(**allowance: Any) -> Tenant:
    return Tenant("t", {"accessToken": TOKEN}, **allowance)


def test_asking_for_nothing_serves_the_whole_allowance() -> None:
    served = served_tools(tenant(toolsets=("tickets",)), {}, {}, "/mcp")
    assert served == tools_of("tickets")


def test_a_tenant_without_toolsets_is_allowed_the_default_set() -> None:
    from sim_intercom.manifest import default_catalog

    assert served_tools(tenant(), {}, {}, "/mcp") == default_catalog().toolset_tools("default")


def test_headers_and_paths_narrow_and_never_widen() -> None:
    narrow = tenant(toolsets=("tickets",), read_only=True)
    asked = {"x-mcp-toolsets": "tickets,contacts", "x-mcp-tools": "intercom_list_admins"}
    assert served_tools(narrow, asked, {}, "/mcp") == reading_tools_of("tickets")
    wide = tenant(toolsets=("all",))
    path = served_tools(wide, {}, {"toolsets": "tags"}, "/mcp/x/tags/readonly")
    assert path == reading_tools_of("tags")


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"x-mcp-toolsets": "nonsense"}, "unknown toolset 'nonsense'; valid toolsets: contacts"),
        ({"x-mcp-tools": "intercom_nothing"}, "unknown tool 'intercom_nothing'"),
        ({"x-mcp-readonly": "maybe"}, "X-MCP-Readonly must be true or false"),
    ],
)
def test_a_bad_selection_names_what_is_valid(headers: dict[str, str], problem: str) -> None:
    with pytest.raises(SelectionError, match=problem):
        served_tools(tenant(toolsets=("all",)), headers, {}, "/mcp")


# The store


def test_a_memory_store_forgets_expired_and_oldest_records() -> None:
    now = [0.0]
    store = MemoryStore(max_per_kind=2, clock=lambda: now[0])
    store.put("code", "a", {"n": 1}, ttl=10)
    store.put("code", "b", {"n": 2}, ttl=10)
    store.put("token", "z", {"n": 9}, ttl=10)
    store.put("code", "c", {"n": 3}, ttl=10)
    assert store.get("code", "a") is None  # the oldest code went, not the token
    assert store.get("token", "z") == {"n": 9}
    now[0] = 11
    assert store.get("code", "c") is None


def test_a_taken_record_is_gone_for_everyone_else() -> None:
    store = MemoryStore()
    store.put("code", "a", {"n": 1}, ttl=10)
    assert store.take("code", "a") == {"n": 1}
    assert store.take("code", "a") is None


def test_a_store_key_must_be_long_random_text() -> None:
    with pytest.raises(ValueError, match="at least 32 characters"):
        fernet_key("short")


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisProcess]:
    with RedisProcess() as process:
        yield process


def test_redis_keeps_ids_hashed_and_records_sealed(redis: RedisProcess) -> None:
    store = RedisStore(redis.url(1), SECRET)
    store.put("access", "the-access-token-1234", {"intercom_token": TOKEN}, ttl=60)
    raw = store.client
    keys = raw.keys("sim-intercom:mcp:*")
    assert len(keys) == 1 and b"the-access-token" not in keys[0]
    assert TOKEN.encode() not in raw.get(keys[0])
    assert store.get("access", "the-access-token-1234") == {"intercom_token": TOKEN}
    assert 0 < raw.pttl(keys[0]) <= 60_000
    other = RedisStore(redis.url(1), "o" * 40)
    assert other.get("access", "the-access-token-1234") is None  # another key cannot read it
    assert store.take("access", "the-access-token-1234") is not None
    assert store.get("access", "the-access-token-1234") is None


def test_a_redis_store_that_cannot_answer_raises_without_its_url() -> None:
    store = RedisStore("redis://user:hunter2@127.0.0.1:1/0", SECRET)
    with pytest.raises(StoreUnavailable) as caught:
        store.get("access", "x")
    assert "hunter2" not in str(caught.value)
    assert store.healthy() is False

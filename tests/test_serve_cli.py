"""`sim-intercom mcp --auth ...`: what the command refuses before it serves anything, each
with exit status 2 and one line naming the option."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("mcp")

from sim_intercom.cli import main


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    secret = tmp_path / "secret"
    secret.write_text("app-client-secret\n")
    short = tmp_path / "short-key"
    short.write_text("too short\n")
    return {"secret": str(secret), "short": str(short), "missing": str(tmp_path / "none.yaml")}


OAUTH = ["--public-url", "https://tools.example.com", "--oauth-client-id", "id"]
APP = ["--http", "--auth", "oauth", *OAUTH, "--oauth-client-secret-file", "{secret}"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--http", "--host", "0.0.0.0"], "serving off loopback needs authentication"),
        (["--http", "--host", "192.0.2.2"], "--auth keys --keys-file PATH"),
        (["--keys-file", "{missing}"], "--keys-file needs --auth keys or --auth oauth"),
        (["--auth", "keys"], "--auth serves over HTTP: add --http"),
        (["--http", "--auth", "keys"], "--auth keys needs --keys-file PATH"),
        (["--http", "--auth", "keys", "--keys-file", "{missing}"], "--keys-file: cannot read"),
        (["--http", "--auth", "keys", "--sandbox"], "--sandbox does not apply to --auth"),
        (["--http", "--auth", "keys", "--region", "eu"], "--region does not apply to --auth keys"),
        (["--http", "--auth", "oauth"], "--auth oauth needs --public-url"),
        (["--http", "--auth", "oauth", "--public-url", "http://tools.example.com"], "https"),
        (["--http", "--auth", "oauth", *OAUTH], "needs --oauth-client-id and --oauth-client"),
        (
            [*APP, "--oauth-token-url", "http://intercom.example.com/token"],
            "--oauth-token-url must be an https URL",
        ),
        (
            [*APP, "--store-key-file", "{short}"],
            "--store-key-file: the store key must be at least 32 characters",
        ),
    ],
)
def test_a_remote_server_that_cannot_be_trusted_does_not_start(
    files: dict[str, str], args: list[str], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [arg.format(**files) for arg in args]
    assert main(["mcp", *args]) == 2
    printed = capsys.readouterr()
    assert problem in " ".join(printed.err.split())
    assert "app-client-secret" not in printed.err


def test_a_redis_store_needs_a_store_key(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIM_INTERCOM_STORE", "redis://127.0.0.1:1/0")
    args = ["mcp", "--http", "--auth", "oauth", *OAUTH, "--oauth-client-secret-file"]
    assert main([*args, files["secret"]]) == 2
    assert "needs --store-key-file" in capsys.readouterr().err


def test_an_oauth_tenant_gets_the_selection_the_command_was_given(
    files: dict[str, str],
) -> None:
    from sim_intercom.cli.catalog import selection
    from sim_intercom.cli.parser import build_parser
    from sim_intercom.cli.remote import remote_config
    from sim_intercom.manifest import default_catalog

    args = build_parser().parse_args(
        ["mcp", *[arg.format(**files) for arg in APP], "--toolsets", "contacts", "--read-only"]
    )
    args.secrets = []
    config = remote_config(args, selection(args))
    allowed = config.oauth.tenant("intercom-token").allowance()
    catalog = default_catalog()
    assert allowed
    assert all(catalog.tools[tool].entry.toolset == "contacts" for tool in allowed)
    assert all(catalog.tools[tool].entry.annotations.readOnlyHint for tool in allowed)

"""Settings: from a call's credentials, then the environment, then the default."""

from __future__ import annotations

import pytest
import yaml

from helpers import REPO_ROOT
from sim_intercom.errors import InvalidInput
from sim_intercom.settings import SETTINGS, ClientConfig, read_config, token_problem


def config(credentials: dict, environ: dict | None = None) -> ClientConfig:
    return ClientConfig.from_credentials(credentials, environ or {})


def test_defaults_without_credentials_or_environment():
    settings = config({})
    assert (settings.max_retries, settings.max_wait) == (3, 20.0)
    assert (settings.connect_timeout, settings.read_timeout) == (5.0, 30.0)


def test_the_environment_sets_a_process_wide_value():
    environ = {"SIM_INTERCOM_MAX_RETRIES": "5", "SIM_INTERCOM_READ_TIMEOUT": "9.5"}
    settings = config({}, environ)
    assert (settings.max_retries, settings.read_timeout) == (5, 9.5)


def test_credentials_win_over_the_environment():
    settings = config({"maxWait": 3}, {"SIM_INTERCOM_MAX_WAIT": "50"})
    assert settings.max_wait == 3.0


def test_zero_max_retries_is_allowed_and_turns_retrying_off():
    assert config({"maxRetries": 0}).max_retries == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("maxRetries", -1),
        ("maxRetries", 2.5),
        ("maxRetries", 11),
        ("maxWait", float("nan")),
        ("maxWait", "soon"),
        ("readTimeout", 0),
        ("connectTimeout", float("inf")),
        ("connectTimeout", True),
        ("readTimeout", "9" * 5000),
    ],
)
def test_a_setting_out_of_bounds_is_an_input_error_naming_it(name, value):
    with pytest.raises(InvalidInput) as caught:
        config({name: value})
    assert caught.value.field == name


def test_a_bad_environment_value_is_named_by_its_variable():
    with pytest.raises(InvalidInput) as caught:
        config({}, {"SIM_INTERCOM_MAX_WAIT": "-3"})
    assert caught.value.field == "SIM_INTERCOM_MAX_WAIT"


def test_every_problem_with_the_credentials_is_reported_together():
    _, problems = read_config({"region": "mars", "maxRetries": -1, "intercomVersion": " 2"}, {})
    assert {p.parameter for p in problems} == {"region", "maxRetries", "intercomVersion"}


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pass@api.intercom.io",
        "https://api.intercom.io/?x=1",
        "https://api.intercom.io/#frag",
        " https://api.intercom.io",
        "https://api.intercom.io\n",
        "https://api.intercom.io:99999",
        "http://api.intercom.io",
    ],
)
def test_a_base_url_that_would_mangle_requests_is_refused(url):
    with pytest.raises(InvalidInput) as caught:
        config({"baseUrl": url})
    assert caught.value.field == "baseUrl"


@pytest.mark.parametrize(
    "token", ["tok\nen", "tok\x00en", " token", "token ", "tök€n", "\ud800token", "a" * 5000]
)
def test_a_token_that_cannot_be_a_header_is_refused_without_quoting_it(token):
    problem = token_problem(token)
    assert problem is not None
    assert token not in problem


def test_a_token_that_is_not_a_string_is_refused():
    assert token_problem(12345) == "must be a string, got int"


def test_a_latin_1_token_is_accepted():
    assert token_problem("dG9rOmFiYy1kZWY=") is None


def test_the_manifest_declares_every_setting_with_its_default():
    manifest = yaml.safe_load((REPO_ROOT / "manifest.yaml").read_text())
    declared = {c["name"]: c for c in manifest["credentials"]}
    for setting in SETTINGS:
        assert declared[setting.name]["default"] == setting.default, setting.name
        assert setting.env in declared[setting.name]["help"], setting.name

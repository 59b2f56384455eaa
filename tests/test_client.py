"""The HTTP client: base URLs, headers, the one send seam, errors, and keeping the token secret."""

from __future__ import annotations

import logging

import pytest
import requests
import responses

from helpers import TOKEN, US, error_list, fake_transport, make_client
from sim_intercom.client import (
    ApiRequest,
    IntercomClient,
    Secret,
    encode_path_segment,
)
from sim_intercom.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidResponse,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)
from sim_intercom.settings import ClientConfig


@pytest.mark.parametrize(
    ("region", "base_url"),
    [("us", US), ("eu", "https://api.eu.intercom.io"), ("au", "https://api.au.intercom.io")],
)
def test_region_selects_the_regional_base_url(region, base_url):
    assert ClientConfig.from_credentials({"region": region}).base_url == base_url


def test_region_defaults_to_us():
    assert ClientConfig.from_credentials({}).base_url == US


def test_unknown_region_is_an_input_error_naming_region():
    with pytest.raises(InvalidInput) as caught:
        ClientConfig.from_credentials({"region": "mars"})
    assert caught.value.field == "region"


def test_explicit_base_url_wins_over_region():
    config = ClientConfig.from_credentials({"region": "eu", "baseUrl": "https://proxy.example/"})
    assert config.base_url == "https://proxy.example"


@pytest.mark.parametrize("url", ["http://api.intercom.io", "ftp://x", "not a url"])
def test_base_url_must_be_https(url):
    with pytest.raises(InvalidInput) as caught:
        ClientConfig.from_credentials({"baseUrl": url})
    assert caught.value.field == "baseUrl"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8181", "http://localhost:9", "http://[::1]:80"])
def test_plain_http_is_allowed_on_loopback(url):
    assert ClientConfig.from_credentials({"baseUrl": url}).base_url == url


def test_version_and_timeouts_are_configurable():
    config = ClientConfig.from_credentials(
        {"intercomVersion": "2.13", "connectTimeout": "2", "readTimeout": 9}
    )
    assert (config.version, config.connect_timeout, config.read_timeout) == ("2.13", 2.0, 9.0)


def test_a_non_positive_timeout_is_an_input_error():
    with pytest.raises(InvalidInput) as caught:
        ClientConfig.from_credentials({"readTimeout": "0"})
    assert caught.value.field == "readTimeout"


@pytest.mark.parametrize(
    ("value", "encoded"),
    [("a/b", "a%2Fb"), ("a?b", "a%3Fb"), ("a#b", "a%23b"), ("..", "%2E%2E"), ("42", "42")],
)
def test_path_segments_are_encoded_so_no_id_changes_the_path(value, encoded):
    assert encode_path_segment(value) == encoded


@responses.activate
def test_an_encoded_dot_dot_id_is_sent_as_encoded():
    responses.get(f"{US}/contacts/%2E%2E", json={"type": "contact", "id": ".."})
    make_client().send(ApiRequest("GET", f"/contacts/{encode_path_segment('..')}"))
    assert responses.calls[0].request.url == f"{US}/contacts/%2E%2E"


@responses.activate
def test_requests_carry_bearer_token_version_and_json_accept():
    responses.get(f"{US}/me", json={"type": "admin", "id": "1"})
    make_client(intercomVersion="2.11").send(ApiRequest("GET", "/me"))
    headers = responses.calls[0].request.headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Intercom-Version"] == "2.11"
    assert headers["Accept"] == "application/json"


@responses.activate
def test_boolean_query_values_are_sent_as_lowercase_words():
    responses.get(f"{US}/conversations/1", json={"type": "conversation", "id": "1"})
    make_client().send(ApiRequest("GET", "/conversations/1", {"include_translations": True}))
    assert responses.calls[0].request.url.endswith("?include_translations=true")


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (400, "parameter_invalid", InvalidInput),
        (401, "unauthorized", Unauthorized),
        (403, "api_plan_restricted", Forbidden),
        (404, "not_found", NotFound),
        (409, "conflict", Conflict),
        (422, "parameter_invalid", InvalidInput),
        (429, "rate_limit_exceeded", RateLimited),
        (500, "server_error", ServerError),
        (503, "service_unavailable", ServerError),
    ],
)
@responses.activate
def test_error_statuses_become_errors_of_their_kind(status, code, error_class):
    responses.get(f"{US}/me", json=error_list(code, "Something"), status=status)
    with pytest.raises(error_class) as caught:
        make_client().send(ApiRequest("GET", "/me"))
    assert (caught.value.http_status, caught.value.code) == (status, code)
    assert caught.value.request_id == "req-1"


@responses.activate
def test_error_message_carries_intercoms_code_message_and_field():
    body = error_list("parameter_invalid", "Custom attribute 'tier' does not exist")
    body["errors"][0]["field"] = "custom_attributes"
    responses.post(f"{US}/contacts", json=body, status=400)
    with pytest.raises(InvalidInput) as caught:
        make_client().send(ApiRequest("POST", "/contacts", body={}))
    assert "parameter_invalid: Custom attribute 'tier' does not exist" in str(caught.value)
    assert caught.value.field == "custom_attributes"
    assert str(caught.value).startswith("Request req-1: ")


@responses.activate
def test_rate_limit_error_carries_the_rate_limit_headers():
    responses.get(
        f"{US}/me",
        json=error_list("rate_limit_exceeded", "Exceeded rate limit"),
        status=429,
        headers={
            "X-RateLimit-Limit": "1000",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "17",
        },
    )
    with pytest.raises(RateLimited) as caught:
        make_client().send(ApiRequest("GET", "/me"))
    assert caught.value.detail()["rate_limit"] == {"limit": 1000, "remaining": 0, "reset": 17}


@responses.activate
def test_an_error_without_a_json_body_still_has_its_kind_and_status():
    responses.get(f"{US}/me", body="<html>Bad gateway</html>", status=502)
    with pytest.raises(ServerError) as caught:
        make_client().send(ApiRequest("GET", "/me"))
    assert caught.value.http_status == 502


@responses.activate
def test_a_2xx_body_that_is_not_json_is_an_invalid_response():
    responses.get(f"{US}/me", body="<html>ok</html>", status=200)
    with pytest.raises(InvalidResponse):
        make_client().send(ApiRequest("GET", "/me"))


@responses.activate
def test_a_connection_error_is_a_retryable_network_error():
    responses.get(f"{US}/me", body=requests.ConnectionError("refused"))
    with pytest.raises(NetworkError) as caught:
        make_client().send(ApiRequest("GET", "/me"))
    assert caught.value.should_retry is True


@responses.activate
def test_a_timeout_is_a_retryable_network_error():
    responses.get(f"{US}/me", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(NetworkError, match="did not answer in time") as caught:
        make_client().send(ApiRequest("GET", "/me"))
    assert caught.value.should_retry is True


@responses.activate
def test_a_tls_error_is_not_retryable():
    responses.get(f"{US}/me", body=requests.exceptions.SSLError("bad cert"))
    with pytest.raises(NetworkError) as caught:
        make_client().send(ApiRequest("GET", "/me"))
    assert caught.value.should_retry is False


@responses.activate
def test_current_admin_is_fetched_once_per_token_and_workspace():
    responses.get(f"{US}/me", json={"type": "admin", "id": "991"})
    cache: dict[str, str] = {}
    config = ClientConfig.from_credentials({})
    for _ in range(3):
        assert IntercomClient(TOKEN, config, fake_transport(), cache).current_admin_id() == "991"
    assert len(responses.calls) == 1
    assert all(TOKEN not in key for key in cache)


def test_the_token_is_not_in_the_client_repr():
    client = make_client()
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(client.__dict__)


def test_a_secret_never_shows_itself():
    secret = Secret(TOKEN)
    assert TOKEN not in repr(secret) and TOKEN not in str(secret)
    assert secret.reveal() == TOKEN


@responses.activate
def test_the_token_is_not_in_debug_logs(caplog):
    responses.get(f"{US}/me", json=error_list("unauthorized", "Access Token Invalid"), status=401)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Unauthorized) as caught:
        make_client().send(ApiRequest("GET", "/me"))
    assert "GET" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert TOKEN not in repr(caught.value.__dict__)

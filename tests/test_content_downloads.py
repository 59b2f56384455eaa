"""Export downloads give a workflow text it can use, never raw bytes, within a stated cap."""

from __future__ import annotations

import gzip

import pytest
import responses

from helpers import US
from sim_intercom.errors import InvalidResponse
from sim_intercom.host import execute_tool
from sim_intercom.operations.data_export import TEXT_CAP, downloaded
from sim_intercom.transport import Download

URL = f"{US}/download/reporting_data/r1"


def file(body: bytes) -> Download:
    return Download("application/octet-stream", body, URL)


def test_a_gzipped_file_past_the_cap_is_unzipped_only_as_far_as_the_cap() -> None:
    huge = gzip.compress(b"a" * (TEXT_CAP * 20))  # a small file that unzips to 20 MB
    output = downloaded(file(huge), {})
    assert (len(output["text"]), output["truncated"], output["size"]) == (
        TEXT_CAP,
        True,
        len(huge),
    )


def test_a_file_that_is_not_text_has_no_text() -> None:
    output = downloaded(file(b"\xff\xfe\x00binary"), {})
    assert (output["text"], output["encoding"], output["truncated"]) == (None, "identity", False)


def test_a_character_split_by_the_cap_is_left_out() -> None:
    output = downloaded(file(b"a" * (TEXT_CAP - 1) + "é".encode()), {})
    assert output["text"] == "a" * (TEXT_CAP - 1) and output["truncated"]


def test_json_where_a_file_was_asked_for_is_an_invalid_response() -> None:
    with pytest.raises(InvalidResponse):
        downloaded({"type": "list"}, {})


@responses.activate
def test_a_reporting_download_asks_for_octet_stream(plugin_manager, credentials) -> None:
    responses.add(
        responses.GET,
        URL,
        body=gzip.compress(b"conversation_id\n1\n"),
        content_type="application/octet-stream",
    )
    result = execute_tool(
        plugin_manager,
        "intercom_download_reporting_export",
        {"jobIdentifier": "r1", "app_id": "app"},
        credentials,
    )
    assert result is not None and result["success"], result
    assert responses.calls[0].request.headers["Accept"] == "application/octet-stream"
    assert result["output"]["text"] == "conversation_id\n1\n"

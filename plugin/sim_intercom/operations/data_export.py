"""Data exports: content exports (start, status, cancel, download) and reporting exports
(datasets, enqueue, status, download). A download returns what the file holds, never its
raw bytes: where it came from, its type and size, and its text up to `TEXT_CAP` bytes
(a gzipped file is unzipped first, as far as the cap)."""

from __future__ import annotations

import zlib
from typing import Any

from ..errors import InvalidResponse
from ..transport import Download
from .base import Operation, Output, Params, whole_list
from .crud import fields_of

TEXT_CAP = 1_000_000  # bytes of text a download returns at most
GZIP_MAGIC = b"\x1f\x8b"
OCTET_STREAM = "application/octet-stream"

JOB = fields_of("job_identifier", "status", "download_url", "download_expires_at")


def _unzipped(data: bytes) -> tuple[bytes, bool]:
    """Up to `TEXT_CAP` bytes of a gzipped file, and whether more was left out."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        text = inflater.decompress(data, TEXT_CAP)
    except zlib.error:
        raise InvalidResponse("Intercom's export file is not valid gzip") from None
    return text, bool(inflater.unconsumed_tail)


def _text(data: bytes) -> str | None:
    """The bytes as UTF-8 text, or None when they are not; the cap may have split the last
    character (at most four bytes), which is then left out."""
    for cut in range(4):
        try:
            return data[: len(data) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


def downloaded(body: Any, params: Params) -> Output:
    """What a downloaded export holds; `text` is null when it is not UTF-8 text."""
    if not isinstance(body, Download):
        raise InvalidResponse("Intercom answered a download with JSON, not a file")
    gzipped = body.body.startswith(GZIP_MAGIC)
    data, truncated = _unzipped(body.body) if gzipped else (body.body, False)
    truncated = truncated or len(data) > TEXT_CAP
    return {
        "location": body.url,
        "content_type": body.content_type,
        "size": len(body.body),
        "encoding": "gzip" if gzipped else "identity",
        "text": _text(data[:TEXT_CAP]),
        "truncated": truncated,
    }


OPERATIONS = (
    Operation("intercom_create_content_export", "POST", "/export/content/data", JOB),
    Operation("intercom_get_content_export", "GET", "/export/content/data/{jobIdentifier}", JOB),
    Operation("intercom_cancel_content_export", "POST", "/export/cancel/{jobIdentifier}", JOB),
    Operation(
        "intercom_download_content_export",
        "GET",
        "/download/content/data/{jobIdentifier}",
        downloaded,
        accept=OCTET_STREAM,
    ),
    Operation(
        "intercom_list_reporting_datasets",
        "GET",
        "/export/reporting_data/get_datasets",
        whole_list("datasets", "data"),
    ),
    Operation("intercom_create_reporting_export", "POST", "/export/reporting_data/enqueue", JOB),
    # The description declares `{job_identifier}` of these two as a query parameter only; the
    # live API reads it from the path (see docs/differences-more.md).
    Operation(
        "intercom_get_reporting_export", "GET", "/export/reporting_data/{jobIdentifier}", JOB
    ),
    Operation(
        "intercom_download_reporting_export",
        "GET",
        "/download/reporting_data/{jobIdentifier}",
        downloaded,
        accept=OCTET_STREAM,
    ),
)

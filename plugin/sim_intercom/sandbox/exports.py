"""Data export jobs: a content export or a reporting export runs on the workspace clock,
and once complete its file can be downloaded (gzipped CSV)."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass

from .errors import NotFound, ParameterInvalid
from .records import ExportJob
from .state import State, get_or_404

EXPORT_SECONDS = 60  # how long a job takes, on the workspace clock
DOWNLOAD_DAYS = 2  # how long a finished job's file can be downloaded


class ExportNotFound(NotFound):
    """An unknown job, or one whose file is not ready."""

    message = "Export job not found"


@dataclass(frozen=True)
class Dataset:
    """A reporting dataset and the attributes a reporting export can ask for."""

    id: str
    name: str
    description: str
    attributes: tuple[tuple[str, str], ...]


DATASETS = (
    Dataset(
        "conversation",
        "Conversation",
        "One row a conversation: when it started, its state and its teammate.",
        (
            ("conversation_id", "Conversation ID"),
            ("conversation_started_at", "Started at"),
            ("conversation_state", "State"),
            ("teammate_assigned", "Teammate assigned"),
        ),
    ),
    Dataset(
        "ticket",
        "Ticket",
        "One row a ticket: its type, state and when it was created.",
        (
            ("ticket_id", "Ticket ID"),
            ("ticket_created_at", "Created at"),
            ("ticket_state", "State"),
        ),
    ),
)


class Exports:
    """The workspace's export jobs, content and reporting alike, by job identifier."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.jobs: dict[str, ExportJob] = {}

    def start(
        self,
        kind: str,
        since: int,
        until: int,
        dataset: str | None = None,
        attributes: tuple[str, ...] | list[str] = (),
    ) -> ExportJob:
        if until < since:
            raise ParameterInvalid("the end of the range is before its start", field="end")
        if dataset is not None:
            known = get_or_404({d.id: d for d in DATASETS}, dataset, ExportNotFound)
            unknown = set(attributes) - {name for name, _ in known.attributes}
            if unknown:
                message = f"attribute_ids {sorted(unknown)} are not attributes of {dataset}"
                raise ParameterInvalid(message, field="attribute_ids")
        now = self.state.now()
        number = self.state.next_number("export", 1)
        job = ExportJob(
            f"{kind[0]}{number:07x}",
            kind,
            now,
            now + EXPORT_SECONDS,
            since,
            until,
            dataset_id=dataset,
            attribute_ids=tuple(attributes),
        )
        self.jobs[job.id] = job
        return job

    def get(self, job_id: str, kind: str) -> ExportJob:
        job = get_or_404(self.jobs, job_id, ExportNotFound)
        if job.kind != kind:
            raise ExportNotFound()
        return job

    def status(self, job: ExportJob) -> str:
        if job.canceled:
            return "canceled"
        now = self.state.now()
        if now >= job.ready_at:
            return "completed"
        return "in_progress" if now > job.created_at else "pending"

    def cancel(self, job: ExportJob) -> ExportJob:
        """Cancel a job that has not finished; a finished job stays as it is."""
        if self.status(job) in ("pending", "in_progress"):
            job.canceled = True
        return job

    def expires_at(self, job: ExportJob) -> int:
        return job.ready_at + DOWNLOAD_DAYS * 86_400

    def download(self, job: ExportJob) -> bytes:
        """The gzipped CSV of a completed job; a job not completed has no file (404)."""
        if self.status(job) != "completed" or self.state.now() >= self.expires_at(job):
            raise ExportNotFound("The export is not ready for download")
        rows = io.StringIO()
        writer = csv.writer(rows)
        if job.kind == "content":
            writer.writerow(["conversation_id", "created_at", "subject"])
            for each in self.state.conversations.values():
                if job.since <= each.created_at <= job.until:
                    writer.writerow([each.id, each.created_at, each.source.subject])
        else:
            writer.writerow(job.attribute_ids)
        return gzip.compress(rows.getvalue().encode("utf-8"), mtime=0)

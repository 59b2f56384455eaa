"""Asynchronous jobs: a ticket enqueued now is created when the workspace's clock says the
job has run (`JOB_SECONDS` later): at the first look at its status, or a ticket search or
delete after that time."""

from __future__ import annotations

from .errors import NotFound, SandboxError
from .records import Job
from .state import State, get_or_404
from .tickets import NewTicket, Tickets

JOB_SECONDS = 2


class JobNotFound(NotFound):
    """An unknown job id."""

    message = "Job not found"


class Jobs:
    """Jobs that create tickets; a job that cannot create its ticket when it runs fails."""

    def __init__(self, state: State, tickets: Tickets) -> None:
        self.state = state
        self.tickets = tickets
        self._pending: dict[str, NewTicket] = {}

    def enqueue_ticket(self, new: NewTicket) -> Job:
        """Check what can be checked now (the type and its attributes); create it later."""
        self.tickets.check(new)
        now = self.state.now()
        job = Job(f"job_{self.state.next_number('job', 1)}", "ticket", now, now + JOB_SECONDS)
        self.state.jobs[job.id] = job
        self._pending[job.id] = new
        return job

    def get(self, job_id: str) -> Job:
        job = get_or_404(self.state.jobs, job_id, JobNotFound)
        self.run_due()
        return job

    def run_due(self) -> None:
        """Run every job whose time has come on the workspace's clock."""
        now = self.state.now()
        for job_id in [k for k, job in self.state.jobs.items() if k in self._pending]:
            job = self.state.jobs[job_id]
            if job.ready_at > now:
                continue
            new = self._pending.pop(job_id)
            try:
                job.resource_id = self.tickets.create(new).id
            except SandboxError:
                job.failed = True

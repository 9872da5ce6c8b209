"""Long jobs (MASSE runs, evaluations, arena matches) run in the background, recorded on disk, followed live.

The web UI and the HTTP API both start work that takes seconds to hours. A job is a folder under the service's root,
named by its id::

    <root>/<job_id>/job.json       kind, status, the request, the outcome, a pending question, the error (replaced
                                   atomically, so a reader never sees half a file)
                    events.jsonl   what the job reported as it went, one JSON object a line, in order
                    ...            whatever the job writes (checkpoints, reports, samples.jsonl)

Because all of it is on disk, a restarted server lists earlier jobs and reopens them. A job that was queued or running
when the process died is marked failed on start; a job whose work can resume (MASSE's checkpoints) goes on from there.

Jobs run on a bounded thread pool. When `max_queued` jobs already wait, `submit` raises `QueueFullError` at once (the
API answers 429) rather than letting the queue grow without limit.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from reasonsuite.atomic_files import write_text_atomically

JobStatus = Literal["queued", "running", "waiting", "finished", "failed"]
ACTIVE: frozenset[str] = frozenset({"queued", "running"})
JOB_ID = re.compile(r"^[0-9a-f]{32}$")
Emit = Callable[[dict[str, Any]], None]


class QueueFullError(RuntimeError):
    """Every worker is busy and the queue is full: try again later."""


class JobNotFoundError(KeyError):
    """No job with that id (of that kind) under the service's root."""


class JobStateError(RuntimeError):
    """The job cannot do what was asked in the state it is in (resume a finished job, read a missing file)."""


class FieldError(ValueError):
    """A request value the job cannot take, found only once the job is running (an illegal move); names the field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{field}: {problem}")


class JobRecord(BaseModel):
    """Where a job stands, as stored in job.json."""

    job_id: str
    kind: str = Field(description="masse, eval or arena")
    status: JobStatus
    created: float
    updated: float
    request: dict[str, Any] = Field(description="what the client asked for, as validated")
    outcome: dict[str, Any] = Field(default_factory=dict, description="what the job produced (kind-specific)")
    question: dict[str, Any] | None = Field(None, description="what the job waits for (status 'waiting')")
    error: str = ""
    event_count: int = 0


@dataclass
class JobResult:
    """What a job's work returns: its outcome, and either a question it waits on or a failure it stopped at."""

    outcome: dict[str, Any] = field(default_factory=dict)
    question: dict[str, Any] | None = None
    failure: str = ""


# work(record, folder, emit, answer) -> JobResult; `answer` is None on a first run, {"answer": …} on a resume.
Work = Callable[[JobRecord, Path, Emit, dict[str, Any] | None], JobResult]


class JobService:
    """Runs jobs on a bounded pool, records them on disk and lets many readers follow their events."""

    def __init__(self, root: Path | str, *, max_workers: int = 2, max_queued: int = 8) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_workers = max_workers
        self.max_queued = max_queued
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="job")
        self._changed = threading.Condition()
        self._events: dict[str, list[dict[str, Any]]] = {}
        self._active = 0
        self._recover_interrupted()

    @property
    def active(self) -> int:
        """Jobs queued or running now."""
        return self._active

    def submit(self, kind: str, request: BaseModel, work: Work) -> JobRecord:
        """Queue a job and return its record at once (status 'queued'); raises QueueFullError when full."""
        now = time.time()
        record = JobRecord(
            job_id=uuid.uuid4().hex,
            kind=kind,
            status="queued",
            created=now,
            updated=now,
            request=request.model_dump(mode="json"),
        )
        self._admit(record.job_id)
        self.folder(record.job_id).mkdir(parents=True)
        self._save(record)
        self._pool.submit(self._run, record.job_id, work, None)
        return record

    def resume(self, job_id: str, work: Work, answer: Any = None, *, kind: str | None = None) -> JobRecord:
        """Answer a waiting job's question, or (answer None) go on with a job that failed part-way."""
        record = self.get(job_id, kind)
        if record.status == "waiting" and answer is None:
            asked = (record.question or {}).get("question", "")
            raise JobStateError(f"job {job_id} waits for an answer: {asked}")
        if record.status not in ("waiting", "failed"):
            raise JobStateError(f"job {job_id} is {record.status}; only a waiting or failed job can be resumed")
        self._admit(job_id)
        record = self._update(job_id, status="queued", question=None, error="")
        self._pool.submit(self._run, job_id, work, {"answer": answer})
        return record

    def get(self, job_id: str, kind: str | None = None) -> JobRecord:
        path = self.folder(job_id) / "job.json"
        if not path.is_file():
            raise JobNotFoundError(job_id)
        record = JobRecord.model_validate_json(path.read_text(encoding="utf-8"))
        if kind is not None and record.kind != kind:
            raise JobNotFoundError(job_id)
        return record

    def list_jobs(self, kind: str | None = None, limit: int = 50) -> list[JobRecord]:
        """The newest jobs first, read from disk (so jobs of earlier server processes are listed too)."""
        records = []
        for path in self.root.glob("*/job.json"):
            try:
                record = JobRecord.model_validate_json(path.read_text(encoding="utf-8"))
            except (OSError, ValidationError):
                continue  # a folder that is not a job of ours
            if kind is None or record.kind == kind:
                records.append(record)
        return sorted(records, key=lambda r: -r.created)[:limit]

    def events(self, job_id: str, start: int = 0) -> list[dict[str, Any]]:
        """The job's events from index `start` on."""
        self.get(job_id)
        with self._changed:
            if job_id in self._events:
                return list(self._events[job_id][start:])
        return self._read_events(job_id)[start:]

    def follow(self, job_id: str, start: int = 0, poll_s: float = 15.0) -> Iterator[dict[str, Any] | None]:
        """Yield the job's events as they happen until it stops (finished, failed or waiting).

        Yields None after `poll_s` without news, so a streaming response can send a keep-alive and notice a client
        that went away.
        """
        index = start
        while True:
            stopped = self.get(job_id).status not in ACTIVE  # read before the events: none can be missed
            batch = self.events(job_id, index)
            index += len(batch)
            yield from batch
            if stopped:
                return
            # Never yield while holding the lock: a consumer that stops iterating (a closed browser tab) would leave
            # this generator suspended with the lock held, and every job would block on its next event.
            with self._changed:
                idle = len(self._events.get(job_id, ())) <= index and self.get(job_id).status in ACTIVE
                if idle:
                    self._changed.wait(timeout=poll_s)
                    idle = len(self._events.get(job_id, ())) <= index and self.get(job_id).status in ACTIVE
            if idle:
                yield None

    def file(self, job_id: str, name: str, kind: str | None = None) -> Path:
        """A file the job wrote, by its path inside the job's folder (no way out of the folder)."""
        folder = self.folder(self.get(job_id, kind).job_id)
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()) or not path.is_file():
            raise JobStateError(f"job {job_id} has no file {name!r}")
        return path

    def wait(self, job_id: str, timeout_s: float = 300.0) -> JobRecord:
        """Block until the job stops (finished, failed or waiting); for scripts and tests."""
        deadline = time.monotonic() + timeout_s
        while (record := self.get(job_id)).status in ACTIVE:
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {record.status} after {timeout_s} s")
            with self._changed:
                self._changed.wait(timeout=0.2)
        return record

    def folder(self, job_id: str) -> Path:
        if not JOB_ID.match(job_id):
            raise JobNotFoundError(job_id)
        return self.root / job_id

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- running ----------------------------------------------------------------------------------------------------

    def _admit(self, job_id: str) -> None:
        with self._changed:
            limit = self.max_workers + self.max_queued
            if self._active >= limit:
                raise QueueFullError(f"{self._active} jobs are queued or running (limit {limit}); try again later")
            self._active += 1
            self._events.setdefault(job_id, self._read_events(job_id))

    def _run(self, job_id: str, work: Work, answer: dict[str, Any] | None) -> None:
        outcome: dict[str, Any] | None = None  # stays None only if the worker itself is going down
        try:
            record = self._update(job_id, status="running")
            result = work(record, self.folder(job_id), lambda event: self._record_event(job_id, event), answer)
            status: JobStatus = "waiting" if result.question is not None else "failed" if result.failure else "finished"
            outcome = {"status": status, "outcome": result.outcome, "question": result.question,
                       "error": result.failure}  # fmt: skip
        except Exception as err:  # noqa: BLE001 - a job's failure is recorded on the job, never lost in a worker
            outcome = {"status": "failed", "error": f"{type(err).__name__}: {err}"}
        finally:
            # The final status, the freed slot and the dropped event cache change together: whoever sees the job
            # stopped (wait(), a resume) also sees its slot free, and a resume that follows finds no stale cache.
            with self._changed:
                try:
                    if outcome is not None:
                        self._update(job_id, **outcome)
                finally:
                    self._active -= 1
                    self._events.pop(job_id, None)  # stopped jobs' events are read from events.jsonl: memory stays flat
                    self._changed.notify_all()

    def _record_event(self, job_id: str, event: dict[str, Any]) -> None:
        line = json.dumps({"time": round(time.time(), 3), **event}, default=str)
        with self._changed:
            # events.jsonl is the record; the in-memory list is a cache for followers, rebuilt from it if dropped
            self._events.setdefault(job_id, self._read_events(job_id)).append(json.loads(line))
            with (self.folder(job_id) / "events.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
            self._changed.notify_all()

    # -- storage ----------------------------------------------------------------------------------------------------

    def _read_events(self, job_id: str) -> list[dict[str, Any]]:
        path = self.folder(job_id) / "events.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def _save(self, record: JobRecord) -> None:
        path = self.folder(record.job_id) / "job.json"
        write_text_atomically(path, record.model_dump_json(indent=1))

    def _update(self, job_id: str, **changes: Any) -> JobRecord:
        with self._changed:
            record = self.get(job_id)
            counted = len(self._events[job_id]) if job_id in self._events else record.event_count
            changes |= {"updated": time.time(), "event_count": counted}
            record = JobRecord.model_validate(record.model_dump() | changes)
            self._save(record)
            self._changed.notify_all()
        return record

    def _recover_interrupted(self) -> None:
        """Jobs that a previous process left queued or running did not finish: mark them failed (resumable)."""
        for record in self.list_jobs(limit=100_000):
            if record.status in ACTIVE:
                self._update(
                    record.job_id,
                    status="failed",
                    error="the server stopped during the job; resume it to continue where it can",
                )

"""A job's events as server-sent events: what it reported so far, then live until it stops, then an `end` event."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable
from typing import Any

from fastapi.sse import ServerSentEvent
from starlette.concurrency import iterate_in_threadpool

from ..jobs import JobService


async def follow_events(jobs: JobService, job_id: str, after: int) -> AsyncIterable[ServerSentEvent]:
    """A job's events as server-sent events, then one `end` event with the job's status."""
    index = after
    async for event in iterate_in_threadpool(jobs.follow(job_id, after)):
        if event is None:
            continue  # FastAPI sends its own keep-alive comments
        yield ServerSentEvent(data=event, event=event.get("event", "message"), id=str(index))
        index += 1
    record = jobs.get(job_id)
    yield ServerSentEvent(data={"status": record.status, "error": record.error}, event="end")


def known_job(lookup: Callable[[str], Any]) -> Callable[[str], str]:
    """A path dependency that 404s an unknown id before an event stream starts.

    A dependency runs before the response starts; an event generator's body only once the 200 is on its way, too late
    to answer "no such run". `lookup` raises JobNotFoundError (or the view's own error) for an unknown id.
    """

    def known(run_id: str) -> str:
        lookup(run_id)
        return run_id

    return known

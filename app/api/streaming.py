"""A job's events as server-sent events: what it reported so far, then live until it stops, then an `end` event."""

from __future__ import annotations

from collections.abc import AsyncIterable

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

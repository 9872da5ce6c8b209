"""`/v1/masse/runs`: start a structural check, follow its trace live (SSE), answer its questions, fetch the report."""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, ConfigDict, Field

from ..masse_runs import MasseRunRequest, MasseRuns, MasseRunView
from .streaming import follow_events, known_job

MEDIA_TYPES = {"markdown": "text/markdown", "pdf": "application/pdf"}


class ResumeRequest(BaseModel):
    """The answer to a waiting run's question (a JSON object), or nothing to continue a run that failed part-way."""

    model_config = ConfigDict(extra="forbid")
    answer: dict[str, Any] | None = Field(None, description='e.g. {"approve": true} or the missing field values')


def masse_router(runs: MasseRuns) -> APIRouter:
    router = APIRouter(prefix="/v1/masse/runs", tags=["masse"])

    @router.post("", status_code=202, summary="Start a structural check (returns at once with the run id)")
    def start(request: MasseRunRequest) -> MasseRunView:
        return runs.start(request)

    @router.get("", summary="Runs, newest first")
    def list_runs(limit: int = Query(50, ge=1, le=1000)) -> list[MasseRunView]:
        return runs.list(limit)

    @router.get("/{run_id}", summary="A run's status and, once finished, verdict and utilisation table")
    def get(run_id: str) -> MasseRunView:
        return runs.get(run_id)

    @router.get(
        "/{run_id}/events",
        response_class=EventSourceResponse,
        summary="The run's trace as server-sent events (node start/end, tool calls), live",
    )
    async def events(
        run_id: str = Depends(known_job(runs.get)),  # noqa: B008 - FastAPI's dependency idiom
        after: int = Query(0, ge=0),
    ) -> AsyncIterable[ServerSentEvent]:
        async for event in follow_events(runs.jobs, run_id, after):
            yield event

    @router.post("/{run_id}/resume", status_code=202, summary="Answer the run's question, or continue it")
    def resume(run_id: str, request: ResumeRequest) -> MasseRunView:
        return runs.answer(run_id, request.answer)

    @router.get("/{run_id}/report/{name}", summary="A report file: markdown, pdf, or a figure (frame, axial, …)")
    def report(run_id: str, name: str) -> FileResponse:
        path = runs.report_file(run_id, name)
        return FileResponse(path, media_type=MEDIA_TYPES.get(name, "image/png"), filename=path.name)

    return router

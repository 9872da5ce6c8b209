"""`/v1/arena/matches`: play a game between models, scripted strategies and people; follow the moves live."""

from __future__ import annotations

from collections.abc import AsyncIterable

from fastapi import APIRouter, Depends, Query
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, ConfigDict, Field

from ..arena_matches import ArenaMatches, ArenaMatchRequest, ArenaMatchView
from .streaming import follow_events, known_job


class MoveRequest(BaseModel):
    """A human seat's move."""

    model_config = ConfigDict(extra="forbid")
    action: str = Field(min_length=1, max_length=200, description="one of the legal actions the match announced")


def arena_router(matches: ArenaMatches) -> APIRouter:
    router = APIRouter(prefix="/v1/arena/matches", tags=["arena"])

    @router.post("", status_code=202, summary="Start a match or a tournament of trials (returns at once)")
    def start(request: ArenaMatchRequest) -> ArenaMatchView:
        return matches.start(request)

    @router.get("", summary="Matches, newest first")
    def list_matches(limit: int = Query(50, ge=1, le=1000)) -> list[ArenaMatchView]:
        return matches.list(limit)

    @router.get("/{run_id}", summary="A match's status, the human move it waits for, and its result")
    def get(run_id: str) -> ArenaMatchView:
        return matches.get(run_id)

    @router.get("/{run_id}/events", response_class=EventSourceResponse, summary="The moves as server-sent events")
    async def events(
        run_id: str = Depends(known_job(matches.get)),  # noqa: B008 - FastAPI's dependency idiom
        after: int = Query(0, ge=0),
    ) -> AsyncIterable[ServerSentEvent]:
        async for event in follow_events(matches.jobs, run_id, after):
            yield event

    @router.post("/{run_id}/moves", summary="Play the human seat's move")
    def move(run_id: str, request: MoveRequest) -> ArenaMatchView:
        return matches.move(run_id, request.action)

    return router

"""`/v1/evals/runs`: run a benchmark on the server's model in the background and read its results."""

from __future__ import annotations

from fastapi import APIRouter, Query

from ..eval_jobs import EvalRunRequest, EvalRuns, EvalRunView


def evals_router(evals: EvalRuns) -> APIRouter:
    router = APIRouter(prefix="/v1/evals/runs", tags=["evals"])

    @router.post("", status_code=202, summary="Start an evaluation (returns at once with the run id)")
    def start(request: EvalRunRequest) -> EvalRunView:
        return evals.start(request)

    @router.get("", summary="Evaluation runs, newest first")
    def list_runs(limit: int = Query(50, ge=1, le=1000)) -> list[EvalRunView]:
        return evals.list(limit)

    @router.get("/{run_id}", summary="An evaluation's progress and, once finished, its results")
    def get(run_id: str) -> EvalRunView:
        return evals.get(run_id)

    return router

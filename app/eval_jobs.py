"""Evaluations as background jobs: a benchmark task on the server's model (or MASSE's rules), records on disk.

The evaluation code is imported when the first evaluation is asked for, not when the server starts (it pulls in
`datasets`, seconds of start-up that tool calls and structural checks don't need).

The job's folder is an ordinary evaluation run folder (run.json, samples.jsonl, results.json), so the comparison
tools, `reasonsuite eval compare` and the UI's Evaluations tab read it like any run made from the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .jobs import Emit, JobRecord, JobResult, JobService, JobStateError, JobStatus
from .shared_model import SharedModel

KIND = "eval"
MASSE_TASK = "masse"


class EvalRunRequest(BaseModel):
    """Which benchmark to run and on how much of it."""

    model_config = ConfigDict(extra="forbid")

    task: str = Field(description="a task of `reasonsuite eval tasks` (recon-eval, …) or 'masse'")
    limit: int | None = Field(None, ge=1, le=100_000, description="the first N items (masse: N of each structure)")
    categories: list[str] = Field(default_factory=list, max_length=64, description="only items of these categories")
    mode: Literal["deterministic", "llm"] = Field("llm", description="masse only: rules or the model")
    max_new_tokens: int = Field(384, ge=1, le=8192, description="tokens each answer may use")

    @field_validator("task")
    @classmethod
    def _known_task(cls, task: str) -> str:
        from reasonsuite.evals.tasks import task_names

        known = [*task_names(), MASSE_TASK]
        if task not in known:
            raise ValueError(f"unknown task {task!r}; known: {', '.join(known)}")
        return task

    @property
    def needs_model(self) -> bool:
        return self.task != MASSE_TASK or self.mode == "llm"

    def check_categories(self) -> None:
        """Unknown categories fail at submission, not minutes later in the worker."""
        from reasonsuite.evals.runner import select_items
        from reasonsuite.evals.tasks import load_task

        if self.categories and self.task != MASSE_TASK:
            select_items(load_task(self.task), None, categories=self.categories)


class EvalRunView(BaseModel):
    """An evaluation job as clients see it."""

    run_id: str
    status: JobStatus
    created: float
    updated: float
    request: EvalRunRequest
    progress: dict[str, int] = Field(default_factory=dict, description="answered and total, as last reported")
    results: dict[str, Any] | None = Field(None, description="results.json once the run has finished")
    error: str = ""

    @classmethod
    def of(cls, record: JobRecord, progress: dict[str, int]) -> EvalRunView:
        return cls(
            run_id=record.job_id,
            status=record.status,
            created=record.created,
            updated=record.updated,
            request=EvalRunRequest.model_validate(record.request),
            progress=progress,
            results=record.outcome.get("results"),
            error=record.error,
        )


class EvalRuns:
    """The evaluation jobs of a server."""

    def __init__(self, jobs: JobService, model: SharedModel | None = None) -> None:
        self.jobs = jobs
        self.model = model

    def start(self, request: EvalRunRequest) -> EvalRunView:
        try:
            request.check_categories()
        except ValueError as err:
            raise JobStateError(f"categories: {err}") from None
        if request.needs_model and self.model is None:
            raise JobStateError(f"task {request.task!r} needs a model and this server was started without one")
        return self._view(self.jobs.submit(KIND, request, self._work))

    def get(self, run_id: str) -> EvalRunView:
        return self._view(self.jobs.get(run_id, KIND))

    def list(self, limit: int = 50) -> list[EvalRunView]:
        return [self._view(record) for record in self.jobs.list_jobs(KIND, limit)]

    def _view(self, record: JobRecord) -> EvalRunView:
        progress = next((e for e in reversed(self.jobs.events(record.job_id)) if e.get("event") == "progress"), {})
        return EvalRunView.of(record, {k: progress[k] for k in ("answered", "total") if k in progress})

    def _work(self, record: JobRecord, folder: Path, emit: Emit, _: dict[str, Any] | None) -> JobResult:
        from reasonsuite.evals.masse_eval import run_masse_eval
        from reasonsuite.evals.runner import run_eval
        from reasonsuite.evals.tasks import load_task

        request = EvalRunRequest.model_validate(record.request)

        def progress(answered: int, total: int) -> None:
            emit({"event": "progress", "answered": answered, "total": total})

        if not request.needs_model:
            results = run_masse_eval(folder, mode="deterministic", limit=request.limit, on_progress=progress)
            return JobResult(outcome={"results": results})
        assert self.model is not None  # start() refuses model tasks without a model
        with self.model.use() as llm:
            if request.task == MASSE_TASK:
                results = run_masse_eval(
                    folder, mode="llm", llm=llm, limit=request.limit, model_name=llm.name, on_progress=progress
                )
            else:
                params = llm.default_params.model_copy(update={"max_new_tokens": request.max_new_tokens})
                config = self.model.config.public_dict() if self.model.config else None
                results = run_eval(
                    load_task(request.task),
                    llm,
                    folder,
                    params,
                    limit=request.limit,
                    categories=request.categories or None,
                    on_progress=progress,
                    config=config,
                )
        return JobResult(outcome={"results": results})

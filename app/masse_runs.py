"""MASSE structural checks as background jobs: start, follow, answer the workflow's questions, reopen, download.

Each run's folder holds the LangGraph checkpoints (checkpoints.sqlite), the report (report.md, report.pdf, figures/)
and the events; a run that stops at a question (a value the text lacks, the sign-off approval) waits with status
'waiting' until `answer` supplies it, and goes on from its checkpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reasonsuite.agents.masse import MasseConfig, problem_from_record, resume, run
from reasonsuite.tools import ToolInputError

from .jobs import Emit, JobRecord, JobResult, JobService, JobStateError, JobStatus
from .shared_model import SharedModel

KIND = "masse"


class MasseRunRequest(BaseModel):
    """What a client asks for: a problem (text or structured fields) and how to run it."""

    model_config = ConfigDict(extra="forbid")

    problem_text: str | None = Field(
        None, min_length=20, max_length=20_000, description="the problem as an engineer writes it (read by the agents)"
    )
    problem: dict[str, Any] | None = Field(
        None,
        description="the problem's fields: a rack (RackProblem or a MASSE record) or a steel frame "
        "(structure='steel_frame')",
    )
    problem_id: str = Field("", max_length=80, pattern=r"^[A-Za-z0-9_.-]*$", description="a label for the report")
    mode: Literal["deterministic", "llm"] = Field("deterministic", description="rules (no model) or the model")
    max_redesign_rounds: int = Field(3, ge=0, le=10, description="redesign rounds after an INADEQUATE check")
    on_missing: Literal["interrupt", "fail"] = Field(
        "interrupt", description="when the text lacks a value: ask (the run waits for an answer) or fail"
    )
    require_approval: bool = Field(False, description="wait for a person's approval before the sign-off")

    @model_validator(mode="after")
    def _one_problem(self) -> MasseRunRequest:
        if (self.problem_text is None) == (self.problem is None):
            raise ValueError("give exactly one of problem_text or problem")
        if self.problem is not None:
            try:
                problem_from_record(self.problem)
            except ValidationError as err:
                first = err.errors(include_url=False)[0]
                where = ".".join(str(part) for part in ("problem", *first["loc"]))
                raise ToolInputError(where, first["msg"].removeprefix("Value error, ")) from None
            except ToolInputError as err:
                raise ToolInputError(f"problem.{err.field}", err.problem) from None
            except (KeyError, TypeError, ValueError) as err:
                raise ToolInputError("problem", str(err)) from None
        return self

    def config(self) -> MasseConfig:
        return MasseConfig(
            mode=self.mode,
            max_redesign_rounds=self.max_redesign_rounds,
            on_missing=self.on_missing,
            require_approval=self.require_approval,
        )

    def source(self) -> str | dict[str, Any]:
        return self.problem_text if self.problem_text is not None else dict(self.problem or {})


class MemberRow(BaseModel):
    """One line of the utilisation table."""

    member: str
    role: str
    combination: str
    axial_kN: float
    moment_kNm: float
    governing_check: str | None
    utilisation: float
    status: Literal["ADEQUATE", "INADEQUATE"]


class MasseRunView(BaseModel):
    """A run as clients see it."""

    run_id: str
    status: JobStatus
    created: float
    updated: float
    request: MasseRunRequest
    verdict: Literal["ADEQUATE", "INADEQUATE"] | None = None
    sign_off_note: str = ""
    question: dict[str, Any] | None = Field(None, description="what the run waits for (status 'waiting')")
    error: str = ""
    members: list[MemberRow] = Field(default_factory=list, description="the utilisation table, most utilised first")
    rounds: list[dict[str, Any]] = Field(default_factory=list, description="each design round: sections, verdict")
    report_files: dict[str, str] = Field(default_factory=dict, description="markdown, pdf and figures, by name")
    event_count: int = 0

    @classmethod
    def of(cls, record: JobRecord) -> MasseRunView:
        return cls(
            run_id=record.job_id,
            status=record.status,
            created=record.created,
            updated=record.updated,
            request=MasseRunRequest.model_validate(record.request),
            question=record.question,
            error=record.error,
            event_count=record.event_count,
            **{k: v for k, v in record.outcome.items() if k in cls.model_fields},
        )


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def _outcome(state: dict[str, Any], report: Any, folder: Path) -> dict[str, Any]:
    members = [MemberRow.model_validate(_dump(m)) for m in state.get("members") or []]
    files: dict[str, str] = {}
    if report is not None:
        files = {"markdown": report.markdown_path.name, "pdf": report.pdf_path.name}
        files |= {name: str(path.relative_to(folder)) for name, path in report.figures.items()}
    return {
        "verdict": state.get("verdict"),
        "sign_off_note": state.get("sign_off_note", ""),
        "members": [m.model_dump() for m in sorted(members, key=lambda row: -row.utilisation)],
        "rounds": [_dump(r) for r in state.get("rounds") or []],
        "report_files": files,
    }


class MasseRuns:
    """The MASSE runs of a server: a job kind over the shared job service and (in llm mode) the shared model."""

    def __init__(self, jobs: JobService, model: SharedModel | None = None) -> None:
        self.jobs = jobs
        self.model = model

    def start(self, request: MasseRunRequest) -> MasseRunView:
        if request.mode == "llm" and self.model is None:
            raise JobStateError("mode 'llm' needs a model and this server was started without one")
        return MasseRunView.of(self.jobs.submit(KIND, request, self._work))

    def answer(self, run_id: str, answer: Any = None) -> MasseRunView:
        """Answer a waiting run's question (a JSON object), or continue a failed run from its checkpoints."""
        return MasseRunView.of(self.jobs.resume(run_id, self._work, answer, kind=KIND))

    def get(self, run_id: str) -> MasseRunView:
        return MasseRunView.of(self.jobs.get(run_id, KIND))

    def list(self, limit: int = 50) -> list[MasseRunView]:
        return [MasseRunView.of(record) for record in self.jobs.list_jobs(KIND, limit)]

    def report_file(self, run_id: str, name: str) -> Path:
        """A finished run's report file by its name in `report_files` (markdown, pdf, frame, deformed, …)."""
        view = self.get(run_id)
        if name not in view.report_files:
            available = ", ".join(sorted(view.report_files)) or "none yet (the run has not finished)"
            raise JobStateError(f"run {run_id} has no {name!r} report file; available: {available}")
        return self.jobs.file(run_id, view.report_files[name], KIND)

    def _work(self, record: JobRecord, folder: Path, emit: Emit, resuming: dict[str, Any] | None) -> JobResult:
        request = MasseRunRequest.model_validate(record.request)
        thread_id = record.job_id  # known before the run starts, so a run cut off part-way can be resumed
        if request.mode == "llm":
            assert self.model is not None  # start() refuses llm runs without a model
            with self.model.use() as llm:
                result = self._drive(request, folder, emit, resuming, thread_id, llm)
        else:
            result = self._drive(request, folder, emit, resuming, thread_id, None)
        outcome = _outcome(result.state, result.report, folder)
        return JobResult(outcome=outcome, question=_dump(result.question), failure=result.state.get("failure", ""))

    @staticmethod
    def _drive(
        request: MasseRunRequest, folder: Path, emit: Emit, resuming: dict[str, Any] | None, thread_id: str, llm: Any
    ) -> Any:
        arguments: dict[str, Any] = {"config": request.config(), "llm": llm, "on_event": emit, "out_dir": folder}
        if resuming is None:
            return run(request.source(), thread_id=thread_id, problem_id=request.problem_id, **arguments)
        return resume(thread_id, resuming["answer"], checkpoint_db=folder / "checkpoints.sqlite", **arguments)

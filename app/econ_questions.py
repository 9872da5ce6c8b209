"""Economics questions as background jobs: the economics agent on the server's model, its whole record kept.

A question can take from seconds (a solver answers) to minutes (a small model reasons in plain text on a CPU), so the
API answers at once with a question id, like a structural check, and the client polls for the answer. The job's
record holds everything the agent did (route, the input it read, the tool's output, the fallback reason), so a
client can tell a computed answer from a reasoned one, as the UI's chat does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .jobs import Emit, JobRecord, JobResult, JobService, JobStateError, JobStatus
from .shared_model import SharedModel

KIND = "econ"


class EconQuestionRequest(BaseModel):
    """A question for the economics agent."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=10, max_length=20_000, description="the question, with any options it lists")
    max_new_tokens: int = Field(512, ge=16, le=8192, description="tokens the plain-reasoning fallback may use")


class EconAnswerView(BaseModel):
    """What the agent answered and how: a solver's result, or the model's plain reasoning."""

    answer: str | None = Field(description="the final \\boxed{} answer; None when the response has none")
    computed_by: str | None = Field(description="the tool whose result gave the answer; None: plain reasoning")
    fallback_reason: str | None = Field(description="why no tool answered, when none did")
    response: str = Field(description="the whole answer text")
    tool_input: dict[str, Any] | None = None
    tool_output: dict[str, Any] | None = None
    record: dict[str, Any] = Field(description="every step: route, fills with their problems, mapping, model calls")


class EconQuestionView(BaseModel):
    """A question job as clients see it."""

    question_id: str
    status: JobStatus
    created: float
    updated: float
    request: EconQuestionRequest
    result: EconAnswerView | None = Field(None, description="once the job has finished")
    error: str = ""

    @classmethod
    def of(cls, record: JobRecord) -> EconQuestionView:
        result = record.outcome.get("answer")
        return cls(
            question_id=record.job_id,
            status=record.status,
            created=record.created,
            updated=record.updated,
            request=EconQuestionRequest.model_validate(record.request),
            result=EconAnswerView.model_validate(result) if result else None,
            error=record.error,
        )


class EconQuestions:
    """The economics-question jobs of a server."""

    def __init__(self, jobs: JobService, model: SharedModel | None = None) -> None:
        self.jobs = jobs
        self.model = model

    def start(self, request: EconQuestionRequest) -> EconQuestionView:
        if self.model is None:
            raise JobStateError("the economics agent needs a model and this server was started without one")
        return EconQuestionView.of(self.jobs.submit(KIND, request, self._work))

    def get(self, question_id: str) -> EconQuestionView:
        return EconQuestionView.of(self.jobs.get(question_id, KIND))

    def list(self, limit: int = 50) -> list[EconQuestionView]:
        return [EconQuestionView.of(record) for record in self.jobs.list_jobs(KIND, limit)]

    def _work(self, record: JobRecord, folder: Path, emit: Emit, _: dict[str, Any] | None) -> JobResult:
        from reasonsuite.agents.econ import answer  # the agent's graph loads with the first question, not the server
        from reasonsuite.evals.answers import last_boxed

        request = EconQuestionRequest.model_validate(record.request)
        assert self.model is not None  # start() refuses without a model
        with self.model.use() as llm:
            params = llm.default_params.model_copy(update={"max_new_tokens": request.max_new_tokens})
            result = answer(request.question, llm, plain_params=params)
        emit({"event": "answered", "tool": result.tool, "fallback_reason": result.fallback_reason})
        view = EconAnswerView(
            answer=last_boxed(result.response),
            computed_by=result.tool,
            fallback_reason=result.fallback_reason,
            response=result.response,
            tool_input=result.tool_input,
            tool_output=result.tool_output,
            record=result.model_dump(mode="json", exclude={"question"}),
        )
        return JobResult(outcome={"answer": view.model_dump(mode="json")})

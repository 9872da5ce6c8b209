"""The typed state of one question's run through the agent, and the records each step leaves in it.

Nodes return partial updates; lists that grow (fill attempts, tool errors, model calls) add up, everything else is
replaced, exactly as LangGraph merges them. The same records become the per-question `EconAnswer` that the CLI prints
and the eval writes into samples.jsonl, so a person can see why each answer is what it is.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from .mapping import AnswerFormat


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Preset(_Record):
    """Gold tool input read from the question by a rule parser (oracle mode): routing and reading are skipped."""

    tool: str
    input: dict[str, Any]
    parser: str = Field(description="the rule parser that read the question")


class Route(_Record):
    """The routing decision: a tool, or none."""

    tool: str | None
    source: Literal["llm", "oracle"]
    raw: str = Field(default="", description="the model's raw output (empty in oracle mode)")
    error: str | None = Field(default=None, description="why routing produced no valid choice")


class FillAttempt(_Record):
    """One try at the tool's input: what was filled and what was wrong with it (nothing, when accepted)."""

    source: Literal["llm", "oracle"]
    filled: dict[str, Any] | None = Field(description="the input as filled (fixed fields included); None: no JSON")
    problem: str | None = Field(default=None, description="schema, validation or grounding problem; None: accepted")
    ungrounded: list[str] = Field(default_factory=list, description="numbers not stated in the question")


class LLMCall(_Record):
    """One model call made for this question: which step, the tokens and the attempts it took."""

    step: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 1
    finish_reason: str = "stop"


class Mapping(_Record):
    """How the tool's result became the answer."""

    rule: str
    answer: str
    summary: str


class EconState(TypedDict, total=False):
    question: str
    plain_prompt: list[dict[str, str]]
    answer_format: AnswerFormat
    preset: Preset | None
    route: Route
    fills: Annotated[list[FillAttempt], operator.add]
    tool_input: dict[str, Any] | None
    tool_errors: Annotated[list[str], operator.add]
    tool_output: dict[str, Any] | None
    mapping: Mapping
    fallback_reason: str
    response: str
    llm_calls: Annotated[list[LLMCall], operator.add]


class EconAnswer(_Record):
    """Everything one question's run did: the answer, and each step that led to it."""

    question: str
    response: str = Field(description="the answer text, ending in its \\boxed{} answer")
    answer_format: AnswerFormat
    route: Route | None
    fills: list[FillAttempt]
    tool: str | None = Field(description="the tool whose result gave the answer (None: plain reasoning answered)")
    tool_input: dict[str, Any] | None
    tool_errors: list[str]
    tool_output: dict[str, Any] | None
    mapping: Mapping | None
    fallback_reason: str | None
    llm_calls: list[LLMCall]
    oracle: bool = Field(description="the tool input came from a rule parser, not the model")

    @property
    def used_tool(self) -> bool:
        return self.tool is not None

    @classmethod
    def from_state(cls, state: EconState) -> EconAnswer:
        fallback = state.get("fallback_reason")
        return cls(
            question=state["question"],
            response=state.get("response", ""),
            answer_format=state["answer_format"],
            route=state.get("route"),
            fills=state.get("fills", []),
            tool=None if fallback else (state.get("route") and state["route"].tool),
            tool_input=state.get("tool_input"),
            tool_errors=state.get("tool_errors", []),
            tool_output=state.get("tool_output"),
            mapping=state.get("mapping"),
            fallback_reason=fallback,
            llm_calls=state.get("llm_calls", []),
            oracle=state.get("preset") is not None,
        )

"""Value types shared by every backend: what goes into a generation call and what comes out.

They live apart from the backends so that agents, evals and posttrain can type against them without importing
torch, the openai client or vLLM.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal["system", "user", "assistant", "tool"]
FinishReason = Literal["stop", "length", "error"]


class Message(BaseModel):
    """One chat turn, as every chat template and the OpenAI protocol understand it."""

    model_config = ConfigDict(frozen=True)

    role: Role
    content: str


Conversation = list[Message]


def as_conversation(prompt: str | Conversation | list[dict[str, str]]) -> Conversation:
    """Accept a bare user prompt, a list of Messages or a list of role/content dicts (the datasets' shape)."""
    if isinstance(prompt, str):
        return [Message(role="user", content=prompt)]
    return [m if isinstance(m, Message) else Message.model_validate(m) for m in prompt]


class SamplingParams(BaseModel):
    """Decoding settings. temperature 0 means greedy decoding on every backend."""

    model_config = ConfigDict(extra="forbid")

    max_new_tokens: int = Field(256, ge=1, le=131072)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    seed: int | None = Field(None, ge=0)
    stop: list[str] = Field(default_factory=list)

    @field_validator("stop")
    @classmethod
    def _no_empty_stop(cls, stop: list[str]) -> list[str]:
        if any(s == "" for s in stop):
            raise ValueError("stop strings must not be empty")
        return stop


class Generation(BaseModel):
    """One completion with the accounting that evals and benchmarks need.

    ``parsed`` holds the validated pydantic instance when the call asked for a schema; ``attempts`` counts the
    generations spent on it (retries after invalid structured output included). ``latency_s`` is the wall time of the
    request that produced it: for batched backends, the whole batch it was decoded in.
    """

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: FinishReason
    latency_s: float
    parsed: BaseModel | None = None
    attempts: int = 1


def cut_at_stop(text: str, stops: list[str]) -> tuple[str, bool]:
    """Remove everything from the first stop string on, and say whether one was found (in-process engines keep the
    stop string in their output; the suite's generations never include it)."""
    cuts = [text.find(s) for s in stops if s in text]
    if not cuts:
        return text, False
    return text[: min(cuts)], True

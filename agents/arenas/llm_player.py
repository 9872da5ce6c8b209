"""The LLM player: any backend, the move through structured output whose action is an enum of the legal actions
(in a continuous game, a number validated against the legal range).

The schema is built per decision point (``Literal`` of the legal labels), so constrained decoding cannot name an
illegal action and pydantic rejects one that slips through. A reasoning field comes first when enabled, so the model
may think before it commits. Output that never validates within the backend's bounded retries
(``structured_retries``) is recorded as a forfeit with every raw text, never replaced by a default action.

All views a call receives are answered with one ``generate_each`` per distinct set of legal actions: in a tournament,
that is one batched generation for every match waiting on this player.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from reasonsuite.llm import LLM, SamplingParams, StructuredOutputError

from .continuous import format_amount
from .games import Game
from .prompts import move_prompt
from .state import Decision, MoveView

__all__ = ["LLMPlayer", "move_schema", "number_schema"]


@lru_cache(maxsize=256)
def move_schema(actions: tuple[str, ...], reasoning: bool) -> type[BaseModel]:
    """The structured-output model for one decision: optional ``reasoning`` first, then ``action`` (an enum)."""
    fields: dict[str, Any] = {}
    if reasoning:
        fields["reasoning"] = (str, Field(description="brief thinking before choosing", max_length=2000))
    fields["action"] = (Literal[actions], Field(description="your move: one of the legal actions"))  # type: ignore[valid-type]
    return create_model("Move", **fields)


@lru_cache(maxsize=256)
def number_schema(low: float, high: float, what: str, reasoning: bool) -> type[BaseModel]:
    """Continuous games: ``action`` is a number that must lie in [low, high] (validated; out of range is retried)."""
    fields: dict[str, Any] = {}
    if reasoning:
        fields["reasoning"] = (str, Field(description="brief thinking before choosing", max_length=2000))
    fields["action"] = (float, Field(ge=low, le=high, allow_inf_nan=False,
                                     description=f"your {what}: a number from {low:g} to {high:g}"))  # fmt: skip
    return create_model("Move", **fields)


class LLMPlayer:
    """Asks a model for moves; stateless, so one instance serves every match of a tournament."""

    deferred = True

    def __init__(
        self,
        llm: LLM,
        *,
        name: str = "llm",
        reasoning: bool = True,
        params: SamplingParams | None = None,
        system_prompt: str | None = None,
    ):
        self.llm = llm
        self.name = name
        self.reasoning = reasoning
        self.params = params
        self.system_prompt = system_prompt

    def check(self, game: Game) -> None:
        return None

    def prompt(self, game: Game, view: MoveView) -> list[dict[str, str]]:
        messages = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        return [*messages, {"role": "user", "content": move_prompt(game, view, self.reasoning)}]

    def decide(self, game: Game, views: Sequence[MoveView]) -> list[Decision]:
        decisions: list[Decision | None] = [None] * len(views)
        groups: dict[tuple[tuple[str, ...], tuple[float, float] | None], list[int]] = {}
        for i, view in enumerate(views):
            groups.setdefault((tuple(view.legal_actions), view.action_range), []).append(i)
        for (actions, numbers), indices in groups.items():
            if numbers is not None:
                schema = number_schema(*numbers, getattr(game, "action_name", "action"), self.reasoning)
            else:
                schema = move_schema(actions, self.reasoning)
            prompts = [self.prompt(game, views[i]) for i in indices]
            outputs = self.llm.generate_each(prompts, self.params, schema)
            for i, out in zip(indices, outputs, strict=True):
                decisions[i] = self._decision(out)
        return [d for d in decisions if d is not None]

    @staticmethod
    def _decision(out: Any) -> Decision:
        if isinstance(out, StructuredOutputError):
            return Decision.forfeited(f"no valid move: {'; '.join(out.errors)}", raw=list(out.raw_texts),
                                      attempts=len(out.raw_texts))  # fmt: skip
        parsed = out.parsed
        numeric = isinstance(parsed.action, float)
        return Decision(
            action=format_amount(parsed.action) if numeric else parsed.action,
            amount=parsed.action if numeric else None,
            reasoning=getattr(parsed, "reasoning", ""),
            raw=[out.text],
            attempts=out.attempts,
            prompt_tokens=out.prompt_tokens,
            completion_tokens=out.completion_tokens,
        )

"""Verifiable rewards for GRPO, as TRL reward functions: ``f(prompts, completions, **columns) -> list[float | None]``.

Every judgement of an answer goes through the evals' checker (``reasonsuite.evals.answers``), so training and
evaluation agree on what counts as correct. That also fixes the known weaknesses of Recon's own reward code: the
checker matches braces (``\\boxed{[[0, 1], [1, 0]]}`` is read whole), compares equilibrium lists as sets (their order
does not matter) and refuses hedged, truncated or echoed answers rather than guessing.

Recon rows carry ``answer`` and ``answer_type`` columns; TRL passes each column to every reward function as a list
aligned with ``completions``. A row without an answer type (a game-arena prompt in a mixed dataset) gets ``None``
from the Recon rewards, which TRL skips when it averages (and the arena rewards do the same for Recon rows), so one
dataset can mix both kinds of prompt.

- :func:`format_reward`: 1 for reasoning then exactly one final ``\\boxed{}`` answer, else 0.
- :func:`correctness_reward`: 1 when the checker accepts the answer, else 0 (no format requirement).
- :func:`make_hierarchical_reward`: one scalar per completion in the spirit of Recon's hierarchical reward, with
  configurable levels (:class:`HierarchicalWeights`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from ..evals.answers import check_answer, extract_answer, last_boxed, normalise, strip_reasoning

RewardFunction = Callable[..., list[float | None]]

_THINK_OPEN = re.compile(r"<\s*think\s*>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"<\s*/\s*think\s*>", re.IGNORECASE)
_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")  # the same openers the checker reads
# What may follow the final box: whitespace, a full stop, math delimiters, markdown emphasis.
_TRAILING_TRIVIA = re.compile(r"[\s.$*_]*|[\s.$*_]*\\[)\]][\s.$*_]*")


def completion_text(completion: Any) -> str:
    """The text of one completion: TRL passes a string, or a list of messages for conversational prompts."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content") or "")
    return str(completion)


# --------------------------------------------------------------------------------------------------- format


def has_answer_format(text: str) -> bool:
    """Reasoning closed by ``</think>``, then exactly one ``\\boxed{}`` the checker can read, and nothing after it.

    The reasoning may open with ``<think>`` or (as with R1-style chat templates that open it in the prompt) start
    the completion directly; either way it must be non-empty and closed exactly once. A box inside the reasoning does
    not count; a second box after it, an unclosed box, or text after the final box fails the format.
    """
    closes = list(_THINK_CLOSE.finditer(text))
    opens = list(_THINK_OPEN.finditer(text))
    if len(closes) != 1 or len(opens) > 1 or (opens and opens[0].start() > closes[0].start()):
        return False
    reasoning = text[opens[0].end() if opens else 0 : closes[0].start()]
    if not reasoning.strip():
        return False
    answer, _ = extract_answer(text)
    visible = strip_reasoning(text)
    openers = list(_BOX_OPEN.finditer(visible))
    if answer is None or len(openers) != 1:
        return False
    return _nothing_after_box(visible[openers[0].start() :])


def _nothing_after_box(tail: str) -> bool:
    """True when ``tail`` (which starts at the only box opener) ends with that box, give or take trivia.

    The box's content comes from the checker's own brace matching (``last_boxed``); its closing brace is the first
    ``}`` after that content.
    """
    content = last_boxed(tail)
    if content is None:
        return False
    brace = tail.index("{")
    start = tail.find(content, brace)
    after = tail[start + len(content) :].lstrip()
    return after.startswith("}") and bool(_TRAILING_TRIVIA.fullmatch(after[1:]))


def _is_recon_row(answer_type: Any) -> bool:
    return isinstance(answer_type, str) and bool(answer_type)


def format_reward(
    prompts: Sequence[Any], completions: Sequence[Any], answer_type: Sequence[str | None] | None = None, **_: Any
) -> list[float | None]:
    """1.0 for reasoning then one final boxed answer (:func:`has_answer_format`), else 0.0; None for non-Recon rows."""
    types = answer_type if answer_type is not None else ["multiple_choice"] * len(completions)
    return [
        float(has_answer_format(completion_text(c))) if _is_recon_row(t) else None
        for c, t in zip(completions, types, strict=True)
    ]


# --------------------------------------------------------------------------------------------------- correctness


def correctness_reward(
    prompts: Sequence[Any],
    completions: Sequence[Any],
    answer: Sequence[str | None],
    answer_type: Sequence[str | None],
    **_: Any,
) -> list[float | None]:
    """1.0 when the shared checker accepts the final answer against the gold ``answer``, else 0.0."""
    return [
        float(check_answer(completion_text(c), str(gold), t).correct) if _is_recon_row(t) else None  # type: ignore[arg-type]
        for c, gold, t in zip(completions, answer, answer_type, strict=True)
    ]


# --------------------------------------------------------------------------------------------------- hierarchical


class HierarchicalWeights(BaseModel):
    """The reward of each level of the hierarchy, checked in this order (the first that applies wins).

    ``no_answer``: the checker cannot read a final answer (no box, an unclosed or empty box, alternatives offered).
    ``bad_format``: an answer, but not reasoning then exactly one final box; the format gates correctness, so a right
    answer in the wrong shape earns this, not more. ``wrong``: formatted, but the checker rejects the answer.
    ``partial``: multiple choice with the right option number whose text is missing or shortened (the checker
    accepts it, the prompt asked for the full text). ``exact``: accepted, and for multiple choice the full option text.
    An option number with another option's text is a contradiction the checker rejects: it scores ``wrong``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    no_answer: float = -1.0
    bad_format: float = -0.5
    wrong: float = 0.0
    partial: float = 0.5
    exact: float = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> HierarchicalWeights:
        levels = list(type(self).model_fields)
        for low, high in zip(levels, levels[1:], strict=False):
            if getattr(self, low) > getattr(self, high):
                raise ValueError(
                    f"{low} ({getattr(self, low)}) must not exceed {high} ({getattr(self, high)}): "
                    "the levels rise from no_answer to exact"
                )
        return self


def hierarchical_level(text: str, gold: str, answer_type: str) -> str:
    """Which level of :class:`HierarchicalWeights` a completion reaches (a name, so tests and logs can say why)."""
    if extract_answer(text)[0] is None:
        return "no_answer"
    if not has_answer_format(text):
        return "bad_format"
    verdict = check_answer(text, gold, answer_type)  # type: ignore[arg-type]
    if not verdict.correct:
        return "wrong"
    if answer_type == "multiple_choice" and normalise(verdict.extracted or "") != normalise(gold):
        return "partial"
    return "exact"


def make_hierarchical_reward(weights: HierarchicalWeights | None = None) -> RewardFunction:
    """A Recon-style hierarchical reward with the given level weights (defaults: :class:`HierarchicalWeights`)."""
    chosen = weights or HierarchicalWeights()

    def hierarchical_reward(
        prompts: Sequence[Any],
        completions: Sequence[Any],
        answer: Sequence[str | None],
        answer_type: Sequence[str | None],
        **_: Any,
    ) -> list[float | None]:
        return [
            getattr(chosen, hierarchical_level(completion_text(c), str(gold), str(t))) if _is_recon_row(t) else None
            for c, gold, t in zip(completions, answer, answer_type, strict=True)
        ]

    return hierarchical_reward


hierarchical_reward = make_hierarchical_reward()


# --------------------------------------------------------------------------------------------------- arenas


def _arena_only(function: Callable[..., list[float]]) -> RewardFunction:
    """An arena reward that returns None for rows without a game (Recon rows in a mixed dataset)."""

    def reward(
        prompts: Sequence[Any], completions: Sequence[Any], game: Sequence[str | None], seat: Sequence[Any], **_: Any
    ) -> list[float | None]:
        rows = [i for i, name in enumerate(game) if name]
        scores: list[float | None] = [None] * len(completions)
        if rows:
            picked = function(
                [prompts[i] for i in rows],
                [completions[i] for i in rows],
                game=[game[i] for i in rows],
                seat=[int(seat[i]) for i in rows],
            )
            for i, score in zip(rows, picked, strict=True):
                scores[i] = score
        return scores

    return reward


# --------------------------------------------------------------------------------------------------- registry


def _arena(name: str) -> Callable[[HierarchicalWeights], RewardFunction]:
    def build(_: HierarchicalWeights) -> RewardFunction:
        from ..agents.arenas import rewards as arena_rewards  # loaded only when an arena reward is asked for

        return _arena_only(getattr(arena_rewards, name))

    return build


# Config names of the reward functions. TRL logs each as rewards/<name>/mean, so the names are the log's keys.
REWARDS: dict[str, Callable[[HierarchicalWeights], RewardFunction]] = {
    "recon_format": lambda _: format_reward,
    "recon_correctness": lambda _: correctness_reward,
    "recon_hierarchical": make_hierarchical_reward,
    "arena_legality": _arena("legality_reward"),
    "arena_equilibrium": _arena("equilibrium_reward"),
    "arena_payoff": _arena("payoff_reward"),
}


def build_rewards(names: Sequence[str], weights: HierarchicalWeights) -> list[RewardFunction]:
    """The reward functions ``names`` names, each renamed to its config name (the key TRL logs it under)."""
    functions = []
    for name in names:
        if name not in REWARDS:
            raise ValueError(f"rewards.functions: unknown reward {name!r}; choose from {', '.join(REWARDS)}")
        function = REWARDS[name](weights)

        def named(*args: Any, _function: RewardFunction = function, **kwargs: Any) -> list[float | None]:
            return _function(*args, **kwargs)

        named.__name__ = named.__qualname__ = name
        functions.append(named)
    return functions

"""The agent's entry points: one question through the LangGraph graph, or many through the batched driver."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from reasonsuite.llm import LLM, SamplingParams

from . import prompts
from .configuration import EconConfig, EconContext
from .graph import build_graph, run_batched
from .mapping import answer_format
from .oracle import gold_preset
from .state import EconAnswer, EconState

Messages = list[dict[str, str]]
_graph = cache(build_graph)  # compiled once: without a checkpointer the graph holds no per-run state


def initial_state(question: str, messages: Messages | None = None, *, oracle: bool = False) -> EconState:
    """The graph's input for a question; ``messages`` is the plain prompt to fall back on (default: a short
    step-by-step prompt around the question), and the agent reads the last user message of it."""
    if messages:
        question = next((m["content"] for m in reversed(messages) if m["role"] == "user"), question)
    plain = messages or [{"role": "user", "content": prompts.PLAIN.format(question=question)}]
    return {
        "question": question,
        "plain_prompt": plain,
        "answer_format": answer_format(question),
        "preset": gold_preset(question) if oracle else None,
    }


def _context(llm: LLM, config: EconConfig | None, plain_params: SamplingParams | None) -> EconContext:
    return EconContext(llm=llm, config=config or EconConfig(), plain_params=plain_params or SamplingParams(
        max_new_tokens=512))  # fmt: skip


def answer(
    question: str,
    llm: LLM,
    *,
    messages: Messages | None = None,
    config: EconConfig | None = None,
    plain_params: SamplingParams | None = None,
    oracle: bool = False,
) -> EconAnswer:
    """Answer one economics question: a solver when one applies and its input can be read, else plain reasoning.

    ``oracle=True`` replaces the model's routing and reading by a rule parser's gold input where one can read the
    question (see ``oracle.py``).
    """
    state = _graph().invoke(
        initial_state(question, messages, oracle=oracle), context=_context(llm, config, plain_params)
    )
    return EconAnswer.from_state(state)


def answer_many(
    questions: Sequence[str | Messages],
    llm: LLM,
    *,
    config: EconConfig | None = None,
    plain_params: SamplingParams | None = None,
    oracle: bool = False,
) -> list[EconAnswer]:
    """Answer many questions (texts, or chat prompts as the eval asks them) with one batched model call per step."""
    states = [
        initial_state(q, oracle=oracle) if isinstance(q, str) else initial_state("", q, oracle=oracle)
        for q in questions
    ]
    finished = run_batched(states, _context(llm, config, plain_params))
    return [EconAnswer.from_state(state) for state in finished]

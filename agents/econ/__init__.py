"""The tool-augmented economics agent: the model reads the question, a solver computes, rules map the answer.

    from reasonsuite.agents.econ import answer
    result = answer("Player 0's payoff matrix: ...", llm=llm)
    result.response, result.tool, result.fallback_reason

A question goes route → fill → call_tool → map_answer, or falls back to plain step-by-step reasoning when no tool
applies, the tool input fails validation or grounding twice, or the result does not single out an answer. Every step
is recorded in the returned `EconAnswer`. `answer_many` runs a batch with one model call per step (the eval's path).
"""

from .agent import answer, answer_many
from .configuration import EconConfig
from .state import EconAnswer

__all__ = ["EconAnswer", "EconConfig", "answer", "answer_many"]

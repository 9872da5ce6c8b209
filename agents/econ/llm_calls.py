"""Batched model calls where one question's bad output must not cost the others their answers.

``LLM.generate(prompts, schema=…)`` validates every output and raises StructuredOutputError when any prompt still
fails after the backend's retries, losing the batch. The agent sends many questions per call (batched generation is
several times faster on CPU than one at a time), so a failed batch is split in halves and retried until each failure
is pinned to its own prompt. Greedy decoding gives the same text alone as in a batch, so the halves reproduce the
answers that had succeeded.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from reasonsuite.llm import LLM, Generation, SamplingParams, StructuredOutputError
from reasonsuite.llm.base import PromptLike

__all__ = ["generate_each"]


def generate_each(
    llm: LLM, prompts: Sequence[PromptLike], params: SamplingParams, schema: type[BaseModel] | None = None
) -> list[Generation | StructuredOutputError]:
    """One Generation per prompt, or the StructuredOutputError of that prompt alone, in order."""
    if not prompts:
        return []
    try:
        return list(llm.generate(list(prompts), params, schema=schema))
    except StructuredOutputError as err:
        if len(prompts) == 1:
            return [err]
    middle = len(prompts) // 2
    return generate_each(llm, prompts[:middle], params, schema) + generate_each(llm, prompts[middle:], params, schema)

"""Batched model calls where one question's bad output must not cost the others their answers.

The agent sends many questions per call (batched generation is several times faster on CPU than one at a time);
``LLM.generate_each`` validates each output on its own, retrying only the failing prompts, and puts a
StructuredOutputError in the place of a prompt that never validates, so the rest of the batch keeps its answers.
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
    if schema is None:
        return list(llm.generate(list(prompts), params))
    return llm.generate_each(list(prompts), params, schema)

"""Fake LLMs at the edge (DEVELOPERS.md allows them): scripted text in, so graphs and retry policies can be tested."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reasonsuite.llm import BaseLLM, Generation, SamplingParams
from reasonsuite.llm.types import Conversation


class ScriptedLLM(BaseLLM):
    """Answers each prompt with the next scripted text for that prompt and records what it was asked."""

    def __init__(self, scripts: dict[str, list[str]], **kwargs: Any):
        super().__init__(**kwargs)
        self.scripts = {prompt: list(texts) for prompt, texts in scripts.items()}
        self.calls: list[tuple[list[str], SamplingParams, dict[str, Any] | None]] = []

    @property
    def name(self) -> str:
        return "scripted"

    def _generate_raw(self, conversations: list[Conversation], params: SamplingParams, json_schema):
        prompts = [c[-1].content for c in conversations]
        self.calls.append((prompts, params, json_schema))
        return [
            Generation(
                text=self.scripts[p].pop(0), prompt_tokens=1, completion_tokens=1, finish_reason="stop", latency_s=0
            )
            for p in prompts
        ]


class RespondingLLM(BaseLLM):
    """Answers each prompt with ``respond(prompt)``; for graphs whose prompts are long and built at run time."""

    def __init__(self, respond: Callable[[str], str], **kwargs: Any):
        super().__init__(**kwargs)
        self.respond = respond
        self.prompts: list[str] = []
        self.schemas: list[dict[str, Any] | None] = []  # the JSON schema each prompt was constrained to
        self.batches: list[int] = []  # prompts per call of a batch with a schema per prompt (generate_each_schema)

    @property
    def name(self) -> str:
        return "responding"

    def _generate_raw_each(self, conversations: list[Conversation], params: SamplingParams, json_schemas):
        self.batches.append(len(conversations))
        return [self._generate_raw([c], params, s)[0] for c, s in zip(conversations, json_schemas, strict=True)]

    def _generate_raw(self, conversations: list[Conversation], params: SamplingParams, json_schema):
        answers = []
        for conversation in conversations:
            prompt = conversation[-1].content
            self.prompts.append(prompt)
            self.schemas.append(json_schema)
            answers.append(
                Generation(text=self.respond(prompt), prompt_tokens=1, completion_tokens=1, finish_reason="stop",
                           latency_s=0)  # fmt: skip
            )
        return answers

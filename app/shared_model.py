"""One model for the whole server, loaded on first use and lent to one job at a time.

The in-process backends (transformers, vLLM's offline engine) hold one model in memory and are not safe to call from
two threads, and a second copy would double the memory. Jobs that need the model queue for it here; jobs that don't
(deterministic MASSE runs, tool calls) never wait.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from reasonsuite.llm import BaseLLM, LLMConfig, load_llm


class SharedModel:
    """A lazily loaded backend behind a lock."""

    def __init__(self, config: LLMConfig | None = None, *, factory: Callable[[], BaseLLM] | None = None) -> None:
        if factory is None:
            config = config or LLMConfig.load()
            factory = lambda: load_llm(config)  # noqa: E731 - a one-line default factory
        self.config = config
        self._factory = factory
        self._llm: BaseLLM | None = None
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        """Backend and model, as the UI shows them."""
        if self.config is None:
            return "custom model"
        return f"{self.config.backend}: {self.config.model}"

    @contextmanager
    def use(self) -> Iterator[BaseLLM]:
        """The model, for this thread alone until the block ends (loading it the first time)."""
        with self._lock:
            if self._llm is None:
                self._llm = self._factory()
            yield self._llm

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None

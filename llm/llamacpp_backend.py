"""Backend ``llamacpp``: llama.cpp's server started for the length of a run, spoken to through the openai backend.

The embedded model is served as an f16 GGUF of its weights (see :mod:`.engines.gguf_files` for why not the shipped
Q4_1 file); the server decodes the requests in flight together (continuous batching over ``batch_size`` slots) and
enforces JSON schemas by grammar. The server is a child process on a free loopback port, stopped by :meth:`close`,
at interpreter exit, or by its watchdog if this process is killed.
"""

from __future__ import annotations

import atexit
from typing import Any

from .engines import EngineSpec, ManagedEngine
from .openai_compat import OpenAIBackend

LOCAL_ENGINE_TIMEOUT_S = 3600.0


class LlamaCppBackend(OpenAIBackend):
    def __init__(self, spec: EngineSpec, **base_kwargs: Any):
        self.engine = ManagedEngine(spec).start()
        atexit.register(self.engine.stop)
        super().__init__(
            base_url=self.engine.base_url,
            model=self.engine.served_name,
            api_key=spec.api_key or "EMPTY",
            max_concurrency=spec.parallel,
            structured_mode="json_schema",
            # The server is ours and local: a request that waits is queued behind the others, not lost, and
            # re-sending it after a client-side timeout would only add to the queue (on a busy 2-core machine a
            # 32-request chunk has taken over 2 minutes). Retries are for the connection, not for patience.
            timeout_s=LOCAL_ENGINE_TIMEOUT_S,
            max_retries=1,
            **base_kwargs,
        )
        self.spec = spec

    @property
    def name(self) -> str:
        return f"llamacpp:{self.spec.label}"

    def close(self) -> None:
        super().close()
        self.engine.stop()

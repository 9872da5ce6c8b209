"""Build the backend a config names. The only module that knows every backend class."""

from __future__ import annotations

import os

from .base import BaseLLM
from .config import LLMConfig
from .embedded import EMBEDDED_MODEL_ID, EMBEDDED_NAME, ensure_embedded_model


def load_llm(config: LLMConfig | None = None) -> BaseLLM:
    """The backend for ``config`` (defaults: the embedded model, in-process)."""
    config = config or LLMConfig.load()
    common = {"default_params": config.sampling(), "structured_retries": config.structured_retries}
    if config.backend == "hf":
        from .hf import HFBackend

        if config.model == EMBEDDED_NAME:
            model_dir, display = ensure_embedded_model(), EMBEDDED_MODEL_ID
        else:
            model_dir, display = config.model, None
        return HFBackend(
            model_dir,
            display_name=display,
            dtype=config.dtype or "float32",
            device=config.device,
            batch_size=config.batch_size,
            **common,
        )
    if config.backend == "llamacpp":
        from .engines import spec_for_model
        from .llamacpp_backend import LlamaCppBackend

        return LlamaCppBackend(spec_for_model(config.model, parallel=config.batch_size), **common)
    if config.backend == "openvino":
        from .openvino_backend import OpenVINOBackend

        return OpenVINOBackend(config.model, batch_size=config.batch_size, **common)
    if config.backend == "openai":
        from .openai_compat import OpenAIBackend

        api_key = config.api_key.get_secret_value() if config.api_key else os.environ.get("OPENAI_API_KEY", "EMPTY")
        assert config.base_url is not None  # checked by LLMConfig
        return OpenAIBackend(
            base_url=config.base_url,
            model=config.model,
            api_key=api_key,
            max_concurrency=config.max_concurrency,
            max_retries=config.max_retries,
            timeout_s=config.timeout_s,
            structured_mode=config.structured_mode,
            **common,
        )
    from .vllm_backend import VLLMBackend

    model = str(ensure_embedded_model()) if config.model == EMBEDDED_NAME else config.model
    return VLLMBackend(model, dtype=config.dtype or "auto", **common)

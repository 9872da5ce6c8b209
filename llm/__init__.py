"""LLM backends behind one protocol: in-process transformers (``hf``), OpenVINO GenAI in process (``openvino``),
llama.cpp's server started for the run (``llamacpp``), OpenAI-compatible endpoints (``openai``) and vLLM's offline
engine (``vllm``), with schema-constrained structured output on each.

Agents, evals and posttrain import from here only::

    from reasonsuite.llm import LLMConfig, load_llm
    llm = load_llm(LLMConfig.load(backend="hf", model="embedded"))
    llm.generate(["What is 2+2?"])
"""

from .base import LLM, BaseLLM
from .config import ConfigError, LLMConfig
from .errors import BackendUnavailableError, StructuredOutputError
from .factory import load_llm
from .types import Generation, Message, SamplingParams

__all__ = [
    "LLM",
    "BackendUnavailableError",
    "BaseLLM",
    "ConfigError",
    "Generation",
    "LLMConfig",
    "Message",
    "SamplingParams",
    "StructuredOutputError",
    "load_llm",
]

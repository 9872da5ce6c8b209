"""The one object that chooses a backend and a model.

Precedence, highest first: explicit overrides (CLI flags) > environment (``REASONSUITE_*``) > a YAML file > defaults.
Unknown keys are errors, so a typo in a config file is reported instead of silently ignored.
"""

from __future__ import annotations

import contextvars
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .embedded import EMBEDDED_NAME
from .types import SamplingParams

Backend = Literal["auto", "hf", "llamacpp", "openvino", "openai", "vllm"]
_CONFIG_FILE: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("_CONFIG_FILE", default=None)


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the field (or file) and the problem."""


class LLMConfig(BaseSettings):
    """Which model answers, through which backend, with which decoding defaults."""

    model_config = SettingsConfigDict(env_prefix="REASONSUITE_", extra="forbid", validate_default=True)

    backend: Backend = Field(
        "auto",
        description="auto (the fastest engine measured for the workload: llamacpp for agents, openvino for batch; "
        "for the embedded model once llama.cpp's server is built, else hf), hf (in-process transformers), "
        "llamacpp (llama.cpp's server, started for the run), openvino (OpenVINO GenAI in process), "
        "openai (any compatible endpoint), vllm (in-process, GPU)",
    )
    model: str = Field(
        EMBEDDED_NAME,
        description="'embedded' (SmolLM2-135M-Instruct shipped with the suite), a local model folder (hf, vllm), "
        "a LoRA adapter folder from posttrain (hf) or the served model's name (openai)",
    )
    workload: Literal["agents", "batch"] = Field(
        "agents",
        description="what backend auto is chosen for: agents (requests one or a few at a time, structured output: "
        "llamacpp) or batch (many plain prompts at once, as benchmark evals send them: openvino)",
    )
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    api_key: SecretStr | None = Field(None, description="key for the endpoint; falls back to $OPENAI_API_KEY")
    max_new_tokens: int = Field(512, ge=1, le=131072)
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="0 = greedy")
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    seed: int | None = Field(0, ge=0)
    batch_size: int = Field(
        16,
        ge=1,
        le=1024,
        description="hf: sequences per forward pass; llamacpp: server slots; openvino: sequences decoded together",
    )
    dtype: Literal["float32", "bfloat16", "float16", "auto"] | None = Field(
        None, description="weights dtype; default float32 for hf (fastest on CPUs without bf16), auto for vllm"
    )
    device: str = Field("cpu", description="hf: torch device, e.g. cpu or cuda")
    max_concurrency: int = Field(8, ge=1, le=256, description="openai: requests in flight")
    max_retries: int = Field(4, ge=0, le=20, description="openai: retries with backoff on 429/5xx/connection errors")
    timeout_s: float = Field(120.0, gt=0, description="openai: per-request timeout")
    structured_mode: Literal["auto", "json_schema", "json_object"] = Field(
        "auto", description="openai: response_format shape for structured output (llama.cpp needs json_object)"
    )
    structured_retries: int = Field(2, ge=0, le=10, description="extra attempts when output fails its schema")

    @model_validator(mode="after")
    def _check_backend_needs(self) -> LLMConfig:
        if self.backend == "auto":
            self.backend = _fastest_local_backend(self.model, self.workload)
        if self.backend == "openai" and not self.base_url:
            raise ValueError("base_url is required for backend 'openai' (set REASONSUITE_BASE_URL or --base-url)")
        if self.backend == "openvino" and (Path(self.model).expanduser() / "adapter_config.json").is_file():
            raise ValueError(
                f"model: {self.model!r} is a LoRA adapter folder; backend 'openvino' runs base models only "
                "(use 'llamacpp' to serve the adapter on its base, or 'hf')"
            )
        if self.backend in ("llamacpp", "openvino") and self.model != EMBEDDED_NAME:
            path = Path(self.model).expanduser()
            if not (path.is_file() and path.suffix == ".gguf") and not (
                (path / "config.json").is_file() or (path / "adapter_config.json").is_file()
            ):
                raise ValueError(
                    f"model: {self.model!r} is not a .gguf file, a transformers model folder or a LoRA adapter "
                    f"folder (backend {self.backend!r}; use '{EMBEDDED_NAME}' for the shipped model)"
                )
        if self.backend == "hf" and self.model != EMBEDDED_NAME:
            path = Path(self.model).expanduser()
            if not path.is_dir():
                raise ValueError(
                    f"model: folder {self.model!r} does not exist (backend 'hf' loads local folders only; "
                    f"use '{EMBEDDED_NAME}' for the shipped model)"
                )
            if not (path / "config.json").is_file() and not (path / "adapter_config.json").is_file():
                raise ValueError(
                    f"model: {self.model!r} has no config.json, so it is not a transformers model folder "
                    "(nor a LoRA adapter folder: no adapter_config.json)"
                )
        if self.dtype == "auto" and self.backend == "hf":
            raise ValueError("dtype: 'auto' is for vllm; backend 'hf' needs float32, bfloat16 or float16")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _FileSource(settings_cls)

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> LLMConfig:
        """Build the config from an optional YAML file, the environment and ``overrides`` (None values are skipped).

        Raises ConfigError with every problem, each naming its field.
        """
        file_values = read_yaml_mapping(path) if path is not None else None
        token = _CONFIG_FILE.set(file_values)
        try:
            return cls(**{k: v for k, v in overrides.items() if v is not None})
        except ValidationError as err:
            source = f" (in {path} or the environment)" if path else ""
            raise ConfigError(f"invalid LLM config{source}:\n{format_validation_error(err)}") from None
        finally:
            _CONFIG_FILE.reset(token)

    def sampling(self) -> SamplingParams:
        """Decoding defaults as the SamplingParams every backend takes."""
        return SamplingParams(
            max_new_tokens=self.max_new_tokens, temperature=self.temperature, top_p=self.top_p, seed=self.seed
        )

    def public_dict(self) -> dict[str, Any]:
        """The config as recorded next to results: the API key is never written out."""
        data = self.model_dump(mode="json")
        data["api_key"] = "***" if self.api_key else None
        return data


def _fastest_local_backend(model: str, workload: str) -> Backend:
    """What ``auto`` means: the fastest engine measured on a CPU (docs/benchmarks.md) that can run ``model``.

    For the embedded model or a GGUF file, once llama.cpp's server is built (its convert script writes the f16 GGUF
    both engines read), the winner depends on the workload. A batch of plain prompts: OpenVINO GenAI, which decoded
    32 prompts 1.4-1.7x as fast as llama.cpp's server. Agents: llama.cpp, 1.5x as fast on a single stream and 3.7x on
    a MASSE check, whose structured calls come one at a time. Transformers otherwise (model folders and posttrain
    adapters are evaluated as trained, in fp32, rather than converted).
    """
    from .engines.llama_server import server_is_built

    if (model == EMBEDDED_NAME or model.endswith(".gguf")) and server_is_built():
        return "openvino" if workload == "batch" else "llamacpp"
    return "hf"


class _FileSource(PydanticBaseSettingsSource):
    """Values read from the YAML file given to :meth:`LLMConfig.load` (lowest precedence above defaults)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover - unused
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_CONFIG_FILE.get() or {})


def read_yaml_mapping(path: str | Path) -> dict[str, Any]:
    """Read a YAML file that must hold a mapping; errors name the file and the problem."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise ConfigError(f"config file {path} is not valid YAML: {err}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of keys to values, not {type(data).__name__}")
    return data


def format_validation_error(err: ValidationError) -> str:
    """One line per problem: ``field: message (got value)``."""
    lines = []
    for problem in err.errors():
        field = ".".join(str(p) for p in problem.get("loc", ())) or "config"
        message = problem.get("msg", "invalid").removeprefix("Value error, ")
        got = problem.get("input")
        shown = "" if problem.get("type") == "value_error" or isinstance(got, dict) else f" (got {got!r})"
        lines.append(f"  {field}: {message}{shown}")
    return "\n".join(lines)

"""The LLM flags every model-using subcommand shares (``--backend``, ``--model``, ``--config`` …).

They are declared once here and appended to a command's signature by :func:`with_llm_options`, so that each command
takes them after its own name (``reasonsuite demo --backend openai``) without repeating eleven parameters.
"""

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_common import fail
from .llm import ConfigError, LLMConfig

_PANEL = "Model and backend"


@dataclass(frozen=True)
class LLMFlags:
    """Values of the shared flags; None means 'not given' (the environment or config file decides)."""

    config: Annotated[
        Path | None, typer.Option("--config", help="YAML file with LLM settings", rich_help_panel=_PANEL)
    ] = None
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            help="auto | hf | llamacpp | openvino | openai | vllm (auto: for the embedded model once llama.cpp's "
            "server is built, llamacpp for agents and openvino for benchmark batches; else hf)",
            rich_help_panel=_PANEL,
        ),
    ] = None
    model: Annotated[
        str | None,
        typer.Option("--model", help="'embedded', a local folder, or the served model's name", rich_help_panel=_PANEL),
    ] = None
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint URL", rich_help_panel=_PANEL)
    ] = None
    temperature: Annotated[float | None, typer.Option("--temperature", help="0 = greedy", rich_help_panel=_PANEL)] = (
        None
    )
    top_p: Annotated[float | None, typer.Option("--top-p", rich_help_panel=_PANEL)] = None
    seed: Annotated[int | None, typer.Option("--seed", rich_help_panel=_PANEL)] = None
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            help="hf: sequences per forward pass; llamacpp, openvino: requests decoded together",
            rich_help_panel=_PANEL,
        ),
    ] = None
    device: Annotated[str | None, typer.Option("--device", help="hf: cpu, cuda, …", rich_help_panel=_PANEL)] = None


LLMOptions = LLMFlags  # the annotation a command uses for its ``options`` parameter


def with_llm_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Replace a command's ``options: LLMOptions`` parameter by the individual flags of :class:`LLMFlags`."""
    signature = inspect.signature(command)
    own = [p for name, p in signature.parameters.items() if name != "options"]
    hints = {name: hint for name, hint in inspect.get_annotations(command, eval_str=True).items() if name != "options"}
    shared = []
    for field in fields(LLMFlags):
        annotation = inspect.get_annotations(LLMFlags, eval_str=True)[field.name]
        shared.append(
            inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        )
        hints[field.name] = annotation
    names = {f.name for f in fields(LLMFlags)}

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        flags = LLMFlags(**{k: kwargs.pop(k) for k in list(kwargs) if k in names})
        return command(options=flags, **kwargs)

    own_positional = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints[p.name]) for p in own]
    wrapper.__signature__ = signature.replace(parameters=own_positional + shared)  # type: ignore[attr-defined]
    wrapper.__annotations__ = hints
    del wrapper.__wrapped__  # type: ignore[attr-defined]
    return wrapper


def llm_config_from(flags: LLMFlags, **extra: Any) -> LLMConfig:
    """The effective LLMConfig: config file < environment < flags. A bad value exits with code 2."""
    overrides = {f.name: getattr(flags, f.name) for f in fields(LLMFlags) if f.name != "config"}
    overrides.update(extra)
    try:
        return LLMConfig.load(flags.config, **overrides)
    except ConfigError as err:
        raise fail(str(err)) from None

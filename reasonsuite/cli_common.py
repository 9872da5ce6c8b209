"""What every ``reasonsuite`` subcommand shares: the error console, clean exits for expected errors, backend loading.

Kept apart from ``cli.py`` so that the subcommand modules (``eval_cli``, ``llm_options``) import it without importing
the top-level app, which imports them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from .llm import BaseLLM, LLMConfig

err_console = Console(stderr=True)


def stdout_console(piped_width: int = 130) -> Console:
    """Rich's console for a command's output: the terminal's width, or a fixed width wide enough for the command's
    tables when the output is piped (make, CI logs), instead of rich's 80 columns."""
    return Console() if sys.stdout.isatty() else Console(width=piped_width)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a clear error (no traceback) and return the Exit to raise."""
    # The message is data (it may quote "[row payoff, column payoff]"): escaped, so rich does not read it as markup.
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def load_backend(config: LLMConfig) -> BaseLLM:
    """Load the configured backend without transformers' per-load progress bars cluttering the output."""
    from .llm import load_llm

    if config.backend == "hf":
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
    return load_llm(config)


@contextmanager
def backend_errors() -> Iterator[None]:
    """Turn the library's expected errors into a clear message and exit code instead of a traceback.

    Bad configuration exits 2; an engine that is missing or unreachable, or a model whose output never validated,
    exits 1. Anything else is a bug and keeps its traceback.
    """
    from .llm import BackendUnavailableError, ConfigError, StructuredOutputError

    try:
        yield
    except ConfigError as err:
        raise fail(str(err), 2) from None
    except (BackendUnavailableError, StructuredOutputError) as err:
        raise fail(str(err), 1) from None

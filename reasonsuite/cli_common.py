"""What every ``reasonsuite`` subcommand (and the ``posttrain`` command) shares: the error console, clean exits for
expected errors, backend loading.

Kept apart from ``cli.py`` so that the subcommand modules (``eval_cli``, ``llm_options``) import it without importing
the top-level app, which imports them.
"""

from __future__ import annotations

import errno
import sqlite3
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


# Errors of the place a command reads or writes, not of the command: a full disk, a read-only or unwritable folder,
# a file where a folder should be. The command stops with a line naming the path instead of a traceback.
_STORAGE_HINTS = {
    errno.ENOSPC: "free some space and run the command again (a run folder resumes where it stopped)",
    errno.EDQUOT: "free some space and run the command again (a run folder resumes where it stopped)",
    errno.EROFS: "choose an output folder on a writable file system",
    errno.EACCES: "check the permissions of the path, or choose another output folder",
    errno.EPERM: "check the permissions of the path, or choose another output folder",
    errno.ENOTDIR: "a file stands where a folder is needed",
    errno.EISDIR: "a folder stands where a file is needed",
}
_SQLITE_STORAGE_ERRORS = {  # SQLite's words for the same errors, in the run's checkpoint database
    "disk is full": _STORAGE_HINTS[errno.ENOSPC],
    "readonly database": _STORAGE_HINTS[errno.EROFS],
    "unable to open database file": _STORAGE_HINTS[errno.EACCES],
    "disk I/O error": _STORAGE_HINTS[errno.ENOSPC],
}


def storage_error_message(err: BaseException) -> str | None:
    """One line for an error of the storage a command used (naming the path and what to do); None for other errors."""
    if isinstance(err, OSError) and err.errno in _STORAGE_HINTS:
        where = f"{err.filename}: " if err.filename else ""
        return f"{where}{err.strerror}; {_STORAGE_HINTS[err.errno]}"
    if isinstance(err, sqlite3.OperationalError):
        for text, hint in _SQLITE_STORAGE_ERRORS.items():
            if text in str(err):
                return f"the run's checkpoint database (checkpoints.sqlite in the output folder): {err}; {hint}"
    return None


def run_app(app: typer.Typer, *, interrupted: str = "interrupted") -> None:
    """Run a command-line app. Ctrl-C ends it with one line (``interrupted``) and the shell's code 130; a full disk or
    an unwritable output ends it with a line naming the path and code 1. Both without a traceback: every output the
    suite keeps is written whole or not at all, so there is nothing to debug, only something to fix and rerun."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print(interrupted)
        sys.exit(130)
    except (OSError, sqlite3.OperationalError) as err:
        message = storage_error_message(err)
        if message is None:
            raise
        err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
        sys.exit(1)


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

"""Output files and folders that appear whole or not at all.

Everything the suite writes for a user to keep (reports, figures, results, generated data, job records, converted
and merged models) goes through here: it is written in full under a hidden temporary name in the target's folder,
flushed to disk, then renamed over the target in one step. A crash, a Ctrl-C or a full disk half-way leaves the old
file (or no file), never half of one, and the temporary is removed. Standard library only, so every stage may use it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "save_figure_atomically",
    "staged_folder",
    "write_bytes_atomically",
    "write_json_atomically",
    "write_text_atomically",
]


def _replace_with(path: Path, write: Callable[[str], None]) -> None:
    """``write(temporary_name)`` fills a temporary sibling of ``path``, which then replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; outputs are for reading
        os.replace(temporary, path)
    except OSError as err:
        if err.filename is not None:
            raise
        raise OSError(err.errno, err.strerror, str(path)) from err  # a full disk names the file it was writing
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    def write(name: str) -> None:
        with open(name, "wb") as stream:
            stream.write(data)

    _replace_with(path, write)


def write_text_atomically(path: Path, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


def write_json_atomically(path: Path, value: Any) -> None:
    write_text_atomically(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def save_figure_atomically(figure: Any, path: Path, **savefig: Any) -> Path:
    """``figure.savefig(path, **savefig)`` through a temporary file (a matplotlib Figure; format from ``path``)."""
    path = Path(path)
    savefig.setdefault("format", path.suffix.lstrip(".") or "png")
    _replace_with(path, lambda name: figure.savefig(name, **savefig))
    return path


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield an empty hidden sibling of ``target``: it replaces ``target`` if the block succeeds, else it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staging
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)

"""The per-sample record file of a run (``samples.jsonl``): append-only, crash-safe, resumable.

Records are appended a chunk at a time with one write, then flushed and fsynced. A run killed mid-write can leave at
most one partial last line; reading drops it (and truncates the file there), so a resumed run redoes exactly the
samples whose records are missing and every sample ends up in the file exactly once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..atomic_files import write_text_atomically


class CorruptRecordsError(ValueError):
    """A record other than the last one is unreadable: the file was edited or damaged, not cut off by a crash."""


def read_records(path: Path) -> list[dict[str, Any]]:
    """All complete records; a torn last line (from a crash) is removed from the file."""
    if not path.exists():
        return []
    data = path.read_bytes()
    records = []
    offset = 0
    for line in data.splitlines(keepends=True):
        end = offset + len(line)
        try:
            if not line.endswith(b"\n"):
                raise ValueError("unterminated")
            records.append(json.loads(line))
        except ValueError:
            if end != len(data):
                raise CorruptRecordsError(f"{path}: record at byte {offset} is unreadable") from None
            with path.open("r+b") as f:  # the torn tail of a killed run
                f.truncate(offset)
            break
        offset = end
    return records


def append_records(path: Path, records: list[dict[str, Any]]) -> None:
    """Append records durably (one write, then fsync); a write that fails (a full disk) is cut back off the file."""
    if not records:
        return
    payload = memoryview("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)  # unbuffered: a failed write can be undone
    try:
        size = os.fstat(fd).st_size
        try:
            while payload:
                payload = payload[os.write(fd, payload) :]
            os.fsync(fd)
        except OSError as err:
            os.ftruncate(fd, size)  # the file keeps only whole records, as before the call
            raise OSError(err.errno, err.strerror, str(path)) from err
    finally:
        os.close(fd)


def write_records_atomically(path: Path, records: list[dict[str, Any]]) -> None:
    """Replace the whole records file at once (for re-scoring): readers see the old records or the new ones."""
    write_text_atomically(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))

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
    """Append records durably (one write, then fsync)."""
    if not records:
        return
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    with path.open("ab") as f:
        f.write(payload)
        f.flush()
        os.fsync(f.fileno())


def write_records_atomically(path: Path, records: list[dict[str, Any]]) -> None:
    """Replace the whole records file at once (for re-scoring): a temporary file, fsynced, then renamed."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_text_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and rename: readers see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_json_atomically(path: Path, value: Any) -> None:
    write_text_atomically(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")

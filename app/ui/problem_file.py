"""A problem file uploaded in the Structural check tab: checked for type, size and encoding, then read like the CLI.

An upload is untrusted input from the browser. Gradio refuses bodies over the server's ``max_file_size`` before they
are stored; this module refuses anything that is not a small UTF-8 ``.txt``, ``.md`` or ``.json`` file, whatever its
name claims, and validates a JSON problem with the workflow's own schema, so a bad field is named before a run starts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reasonsuite.agents.masse import problem_from_record

__all__ = ["MAX_PROBLEM_FILE_BYTES", "PROBLEM_FILE_TYPES", "ProblemFile", "ProblemFileError", "read_problem_file"]

PROBLEM_FILE_TYPES = (".txt", ".md", ".json")
MAX_PROBLEM_FILE_BYTES = 64 * 1024  # a rack or frame description is a few KB; the API takes 20,000 characters of text


class ProblemFileError(ValueError):
    """An upload that cannot be a problem; the message says what is wrong with it."""


@dataclass(frozen=True)
class ProblemFile:
    """What an upload holds: a description to read, or a validated structured problem (as a JSON record)."""

    text: str | None = None
    record: dict[str, Any] | None = None

    @property
    def structure(self) -> str:
        """Which input of the tab the upload fills: "text", "rack" or "steel_frame"."""
        if self.record is None:
            return "text"
        return "steel_frame" if self.record.get("structure") == "steel_frame" else "rack"


def read_problem_file(path: str | Path) -> ProblemFile:
    """Read an uploaded problem file, or raise ProblemFileError naming what is wrong."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in PROBLEM_FILE_TYPES:
        raise ProblemFileError(f"problem file: {path.name} is not a {', '.join(PROBLEM_FILE_TYPES)} file")
    size = path.stat().st_size
    if size > MAX_PROBLEM_FILE_BYTES:
        raise ProblemFileError(f"problem file: {size:,} bytes is over the {MAX_PROBLEM_FILE_BYTES:,}-byte limit")
    try:
        content = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemFileError(f"problem file: {path.name} is not UTF-8 text") from None
    if not content.strip():
        raise ProblemFileError(f"problem file: {path.name} is empty")
    if suffix != ".json":
        return ProblemFile(text=content)
    try:
        record = json.loads(content)
    except ValueError as err:
        raise ProblemFileError(f"problem file: {path.name} is not valid JSON ({err})") from None
    if not isinstance(record, dict):
        raise ProblemFileError("problem file: expected a JSON object (a rack or a steel-frame problem, a MASSE record)")
    if isinstance(record.get("generated_description"), str) and "floor_elevations" not in record:
        return ProblemFile(text=record["generated_description"])  # a MASSE dataset record: its description
    try:
        problem = problem_from_record(record)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(the object)"
        raise ProblemFileError(f"problem file: {where}: {first['msg']}") from None
    except ValueError as err:
        raise ProblemFileError(f"problem file: {err}") from None
    return ProblemFile(record=problem.model_dump(mode="json"))

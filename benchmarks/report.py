"""What every benchmark shares: a line naming the machine, and writing its table into docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

from reasonsuite.atomic_files import write_text_atomically

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine() -> str:
    """CPU model, cores, memory and Python version: figures from different machines are not comparable."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def write_section(key: str, heading: str, body: str) -> None:
    """Replace the ``<!-- key:begin -->…<!-- key:end -->`` block of docs/benchmarks.md (appended under ``heading``
    the first time), atomically."""
    begin, end = f"<!-- {key}:begin -->", f"<!-- {key}:end -->"
    section = f"{begin}\n{body}\n{end}"
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: section, text, flags=re.DOTALL)
    else:
        text = text.rstrip() + f"\n\n## {heading}\n\n{section}\n"
    write_text_atomically(DOCS, text)

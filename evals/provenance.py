"""What a result file records about where it came from: package versions and the suite's git commit."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

from reasonsuite.llm.engines.llama_server import LLAMA_CPP_PYTHON_VERSION, server_is_built

_PACKAGES = ("reasonsuite", "torch", "transformers", "outlines", "openai", "openvino-genai", "vllm", "datasets")


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape a result (those not installed are left out)."""
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    if server_is_built():  # the llamacpp backend's engine: built from the llama.cpp that this release vendors
        versions["llama.cpp"] = f"llama-cpp-python {LLAMA_CPP_PYTHON_VERSION} source"
    return versions


def git_commit() -> str | None:
    """The commit of the suite's checkout (editable installs), with ``-dirty`` for uncommitted changes; else None."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}-dirty" if dirty else commit

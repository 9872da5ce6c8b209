"""llama.cpp's server, built once on this machine from the llama.cpp source that llama-cpp-python pins.

No wheel ships ``llama-server`` for Linux CPUs, so it is compiled from source at set-up time (``reasonsuite engine
build``, run by ``make demo``/``make test``): pip fetches the pinned llama-cpp-python source archive, which vendors a
matching llama.cpp tree, and CMake builds only the server, tuned for this CPU (``GGML_NATIVE``). The binary and the
source tree (for ``convert_lora_to_gguf.py``) stay under the suite's home; nothing is fetched at run time. The
server's web UI is left out of the build (it would be downloaded), and so is HTTPS (it listens on loopback).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from ..embedded import suite_home
from .errors import EngineError

# The llama-cpp-python release whose vendored llama.cpp is built (its source archive is on PyPI).
LLAMA_CPP_PYTHON_VERSION = "0.3.36"
BINARY_NAME = "llama-server"
CMAKE_OPTIONS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DGGML_NATIVE=ON",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_BUILD_TOOLS=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_UI=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",
    "-DLLAMA_OPENSSL=OFF",
)


def engine_dir() -> Path:
    """Where this version's build lives: ``<suite home>/engines/llama.cpp-<version>/``."""
    return suite_home() / "engines" / f"llama.cpp-{LLAMA_CPP_PYTHON_VERSION}"


def server_is_built() -> bool:
    return os.access(engine_dir() / "bin" / BINARY_NAME, os.X_OK)


def server_binary() -> Path:
    """The built ``llama-server``; an EngineError saying how to build it if it is not there."""
    binary = engine_dir() / "bin" / BINARY_NAME
    if not server_is_built():
        raise EngineError(
            f"llama.cpp's server is not built yet ({binary} is missing): run `reasonsuite engine build` "
            "(once, about 10 minutes on 2 cores; `make demo` and `make test` do it)"
        )
    return binary


def source_dir() -> Path:
    """The llama.cpp source tree kept beside the binary (its convert scripts turn LoRA adapters into GGUF)."""
    return engine_dir() / "llama.cpp"


def build(*, jobs: int | None = None, sdist: Path | None = None, log=print) -> Path:
    """Fetch the pinned source archive (unless given), build ``llama-server`` and install it; returns the binary.

    Built in a temporary folder and moved into place at the end, so an interrupted build leaves nothing that looks
    finished. A no-op when the binary is already there.
    """
    target = engine_dir()
    if server_is_built():
        return target / "bin" / BINARY_NAME
    for tool in ("cmake", "c++"):
        if shutil.which(tool) is None:
            raise EngineError(f"building llama.cpp's server needs {tool} on PATH (Debian: apt-get install cmake g++)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".llama.cpp-build-", dir=target.parent) as tmp:
        work = Path(tmp)
        archive = sdist or _download_sdist(work)
        log(f"unpacking {archive.name}")
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        source = work / f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}" / "vendor" / "llama.cpp"
        if not (source / "tools" / "server").is_dir():
            raise EngineError(f"{archive} has no vendor/llama.cpp/tools/server; is it llama-cpp-python's sdist?")
        build_dir = work / "build"
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        log("configuring llama.cpp (cmake)")
        _run(["cmake", "-S", str(source), "-B", str(build_dir), *generator, *CMAKE_OPTIONS])
        log("compiling llama-server (several minutes)")
        _run(["cmake", "--build", str(build_dir), "--target", BINARY_NAME, "-j", str(jobs or os.cpu_count() or 2)])
        staged = work / "install"
        (staged / "bin").mkdir(parents=True)
        shutil.copy2(build_dir / "bin" / BINARY_NAME, staged / "bin" / BINARY_NAME)
        shutil.rmtree(build_dir)
        source.rename(staged / "llama.cpp")
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
    log(f"llama-server installed in {target / 'bin'}")
    return target / "bin" / BINARY_NAME


def _download_sdist(work: Path) -> Path:
    """pip fetches the source archive from the package index (set-up time only)."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--dest", str(work)]
    _run([*command, f"llama-cpp-python=={LLAMA_CPP_PYTHON_VERSION}"])
    found = sorted(work.glob("llama_cpp_python-*.tar.gz"))
    if not found:
        raise EngineError("pip download did not produce llama-cpp-python's source archive")
    return found[0]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise EngineError(f"`{' '.join(command[:4])} …` failed (exit {done.returncode}):\n{tail}")

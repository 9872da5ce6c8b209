"""The package installs under one namespace and the CLI entry point works."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("module", "folder"),
    [
        ("reasonsuite.agents", "agents"),
        ("reasonsuite.tools", "tools"),
        ("reasonsuite.evals", "evals"),
        ("reasonsuite.data", "data"),
        ("reasonsuite.app", "app"),
        ("reasonsuite.posttrain", "posttrain"),
        ("reasonsuite.llm", "llm"),
    ],
)
def test_root_folders_install_under_the_namespace(module: str, folder: str) -> None:
    imported = importlib.import_module(module)
    assert Path(imported.__file__).resolve().parent == REPO / folder


def test_bare_folder_names_are_not_top_level_packages() -> None:
    """`agents`, `tools` … must not leak out as top-level modules that would clash with other packages."""
    code = "import importlib.util as u; print(u.find_spec('evals'), u.find_spec('llm'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert result.stdout.strip() == "None None"


def test_cli_help_lists_subcommands() -> None:
    result = subprocess.run([sys.executable, "-m", "reasonsuite", "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for command in ("demo", "generate", "config", "model"):
        assert command in result.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "reasonsuite"
    result = subprocess.run([str(script), "model", "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "prepare" in result.stdout


def test_commands_keep_their_own_option_help_beside_the_shared_llm_flags() -> None:
    result = subprocess.run([sys.executable, "-m", "reasonsuite", "demo", "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "how many Recon-Eval" in result.stdout  # the command's own option, with its help and range
    assert "1<=x<=300" in result.stdout
    assert "--base-url" in result.stdout and "Model and backend" in result.stdout


def test_model_info_prints_whole_paths_that_scripts_can_read() -> None:
    result = subprocess.run([sys.executable, "-m", "reasonsuite", "model", "info"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    gguf_line = next(line for line in result.stdout.splitlines() if line.startswith("GGUF file:"))
    assert Path(gguf_line.split(":", 1)[1].strip()).is_file()
    assert "converted copy:" in result.stdout


def test_every_subpackage_is_declared_for_the_wheel() -> None:
    """An editable install finds subpackages by path; a wheel only ships the packages pyproject lists."""
    import tomllib

    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = set(setuptools["packages"])
    found = set()
    for package, folder in setuptools["package-dir"].items():
        for init in (REPO / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(REPO / folder)
            if "__pycache__" not in relative.parts:
                found.add(".".join([package, *relative.parts]))
    assert found == declared

"""reasonsuite: post-trained reasoning models, calculation tools, LangGraph agents, evaluations and a UI.

The pipeline stages are subpackages: ``reasonsuite.data``, ``.posttrain``, ``.llm``, ``.tools``, ``.agents``,
``.evals`` and ``.app`` (root folders of the repository, mapped into this namespace by pyproject.toml).

The common jobs are one import away::

    from reasonsuite import check_structure, play_match, get_tool

    run = check_structure(open("rack.txt").read(), out_dir="runs/rack")   # MASSE, deterministic by default
    run.verdict, run.report.pdf_path
    play_match("prisoner_dilemma", ["tit-for-tat", "grim"], rounds=10).totals
    get_tool("nash_equilibria").run({"row_payoffs": [[3, 0], [5, 1]], "col_payoffs": [[3, 5], [0, 1]]})

They are loaded on first use, so ``import reasonsuite`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# public name -> (module, attribute)
_EXPORTS = {
    "check_structure": ("reasonsuite.agents.masse", "run"),
    "resume_structure": ("reasonsuite.agents.masse", "resume"),
    "MasseConfig": ("reasonsuite.agents.masse", "MasseConfig"),
    "play_match": ("reasonsuite.agents.arenas", "play_match"),
    "run_tournament": ("reasonsuite.agents.arenas", "run_tournament"),
    "ask_economics": ("reasonsuite.agents.econ", "answer"),
    "get_tool": ("reasonsuite.tools", "get_tool"),
    "list_tools": ("reasonsuite.tools", "list_tools"),
    "LLMConfig": ("reasonsuite.llm", "LLMConfig"),
    "load_llm": ("reasonsuite.llm", "load_llm"),
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'reasonsuite' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

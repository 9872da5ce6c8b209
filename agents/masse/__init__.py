"""MASSE as a LangGraph workflow: a storage-rack problem in, a checked design and an engineer's report out.

Analyst, engineer and management roles are graph nodes; every number comes from `reasonsuite.tools`::

    from reasonsuite.agents.masse import MasseConfig, run
    result = run(problem_text, config=MasseConfig(mode="deterministic"), out_dir=Path("runs/rack"))
    result.verdict, result.report.markdown_path
"""

from .configuration import MasseConfig
from .runner import MasseRun, resume, run
from .structures import problem_from_record

__all__ = ["MasseConfig", "MasseRun", "problem_from_record", "resume", "run"]

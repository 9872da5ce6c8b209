"""reasonsuite: post-trained reasoning models, calculation tools, LangGraph agents, evaluations and a UI.

The pipeline stages are subpackages: ``reasonsuite.data``, ``.posttrain``, ``.llm``, ``.tools``, ``.agents``,
``.evals`` and ``.app`` (root folders of the repository, mapped into this namespace by pyproject.toml).
"""

__version__ = "0.1.0"

"""MASSE as a LangGraph workflow: a storage-rack problem in, a checked design and an engineer's report out.

Analyst, engineer and management roles are graph nodes; every number comes from `reasonsuite.tools`.
"""

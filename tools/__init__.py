"""Calculation tools the agents call: deterministic, typed (pydantic) and importing nothing else of the suite."""

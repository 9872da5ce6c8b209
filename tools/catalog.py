"""Imports every tool module so that each registers itself; the registry loads this on first use."""

from . import unit_conversion  # noqa: F401
from .games import best_response, extensive, normal_form, oligopoly  # noqa: F401
from .structural import (  # noqa: F401
    base_shear,
    frame,
    hazard,
    load_combinations,
    member_checks,
    rack,
    rack_loads,
    sections,
)
from .symbolic import expected_utility, symbolic_math  # noqa: F401

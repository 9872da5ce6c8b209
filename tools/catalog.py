"""Imports every tool module so that each registers itself; the registry loads this on first use."""

from .games import extensive, normal_form, oligopoly  # noqa: F401
from .structural import base_shear, frame, hazard, load_combinations, member_checks, rack, sections  # noqa: F401
from .symbolic import expected_utility, symbolic_math  # noqa: F401

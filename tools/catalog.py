"""Imports every tool module so that each registers itself; the registry loads this on first use."""

from . import unit_conversion  # noqa: F401
from .economics import time_preference, voting  # noqa: F401
from .games import (  # noqa: F401
    bayesian,
    best_response,
    extensive,
    folk_theorem,
    normal_form,
    oligopoly,
    repeated,
    transparent,
)
from .structural import (  # noqa: F401
    base_shear,
    frame,
    hazard,
    load_combinations,
    member_checks,
    rack,
    rack_loads,
    sections,
    steel_frame,
)
from .symbolic import expected_utility, symbolic_math  # noqa: F401

"""Imports every tool module so that each registers itself; the registry loads this on first use."""

import importlib

for _name in ["games.extensive", "games.normal_form", "games.oligopoly", "structural.base_shear", "structural.frame",
              "structural.hazard", "structural.load_combinations", "structural.member_checks", "structural.rack",
              "structural.sections", "symbolic.expected_utility", "symbolic.symbolic_math"]:
    try:
        importlib.import_module(f"reasonsuite.tools.{_name}")
    except ModuleNotFoundError:  # TEMPORARY during development
        pass

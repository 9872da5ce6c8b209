"""One pint unit registry for every tool: quantities from different registries cannot be combined."""

from pint import UnitRegistry

ureg = UnitRegistry()
Q_ = ureg.Quantity

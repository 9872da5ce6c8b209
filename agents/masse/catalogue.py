"""The section catalogue the Design agent may choose from when a frame is inadequate.

Cold-formed U-channels of the sizes rack makers roll (imperial, like the problems), listed from light to heavy. A
redesign may only name entries of this list; the tools compute every property, so a proposal is checked, not trusted.
"""

from __future__ import annotations

from reasonsuite.tools.structural.rack_problem import ChannelIn


def _channels(rows: list[tuple[str, float, float, float]]) -> dict[str, ChannelIn]:
    """Catalogue entries from (name, flange width, web depth, thickness) rows, in inches."""
    return {name: ChannelIn(width_in=w, depth_in=d, thickness_in=t) for name, w, d, t in rows}


POSTS = _channels(
    [
        ("U3.08x2.80x0.079", 3.079, 2.795, 0.0787),
        ("U3.08x2.80x0.090", 3.079, 2.795, 0.090),
        ("U3.08x2.80x0.105", 3.079, 2.795, 0.105),
        ("U3.08x2.80x0.120", 3.079, 2.795, 0.120),
        ("U3.08x3.08x0.135", 3.079, 3.079, 0.135),
        ("U4.00x3.08x0.135", 3.079, 4.000, 0.135),
    ]
)
BRACES = _channels(
    [
        ("U1.00x1.00x0.054", 1.0, 1.0, 0.054),
        ("U1.00x1.00x0.075", 1.0, 1.0, 0.075),
        ("U1.25x1.25x0.075", 1.25, 1.25, 0.075),
        ("U1.50x1.50x0.075", 1.5, 1.5, 0.075),
        ("U1.50x1.50x0.105", 1.5, 1.5, 0.105),
        ("U1.50x2.00x0.120", 1.5, 2.0, 0.120),
    ]
)


def name_of(section: ChannelIn, catalogue: dict[str, ChannelIn]) -> str:
    """The catalogue name of a section, or its dimensions when it is not a catalogue entry (e.g. as given)."""
    for name, entry in catalogue.items():
        if entry == section:
            return name
    return f"U{section.width_in:g}x{section.depth_in:g}x{section.thickness_in:g} (as given)"


def heavier_than(section: ChannelIn, catalogue: dict[str, ChannelIn]) -> list[str]:
    """Catalogue entries with more steel than `section` (a larger cross-section area), light to heavy."""

    def area(c: ChannelIn) -> float:
        return c.thickness_in * (c.depth_in + 2 * c.width_in - 2 * c.thickness_in)

    return [name for name, entry in catalogue.items() if area(entry) > area(section) + 1e-12]

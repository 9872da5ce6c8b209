"""convert_units (pint) and storage_rack_loads: the two small steps an agent would otherwise do in its head."""

from __future__ import annotations

import pytest

from reasonsuite.tools import ToolInputError, get_tool

LB_TO_KN = 4.4482216152605e-3


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (1250, "lbf", "kN", 1250 * LB_TO_KN),
        (16, "ft", "m", 4.8768),
        (29000, "ksi", "MPa", 199_947.95),
        (1, "kip*ft", "kN*m", 1.3558179),
        (212, "degF", "degC", 100.0),
        (0.0787, "inch", "mm", 1.99898),
    ],
)
def test_conversions(value: float, source: str, target: str, expected: float) -> None:
    out = get_tool("convert_units").run({"value": value, "from_unit": source, "to_unit": target})
    assert out.value == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"value": 1, "from_unit": "lbf", "to_unit": "m"}, "to_unit", "cannot convert"),
        ({"value": 1, "from_unit": "furlongz", "to_unit": "m"}, "from_unit", "not a unit"),
        ({"value": 1, "from_unit": "__import__('os').system('ls')", "to_unit": "m"}, "from_unit", "not a unit"),
        ({"value": 1, "from_unit": "m", "to_unit": ""}, "to_unit", "at least 1 character"),
    ],
)
def test_bad_conversions_name_the_field(payload: dict, field: str, words: str) -> None:
    with pytest.raises(ToolInputError) as caught:
        get_tool("convert_units").run(payload)
    assert caught.value.field == field and words in str(caught.value)


RACK = {"bays": 2, "pallets_per_beam": 3, "level_elevations_ft": [4, 8.5, 13], "pallet_weights_lb": [1250, 750, 500]}


def test_interior_frame_carries_one_bay_of_pallets_per_level() -> None:
    out = get_tool("storage_rack_loads").run(RACK)
    assert out.frame == "interior" and out.share_of_bay == 1.0
    assert [level.frame_load_lb for level in out.levels] == [3750, 2250, 1500]
    assert out.levels[0].frame_load_kN == pytest.approx(3750 * LB_TO_KN)
    assert out.levels[0].post_load_kN == pytest.approx(out.levels[0].frame_load_kN / 2)
    assert out.total_frame_load_kN == pytest.approx(7500 * LB_TO_KN)


def test_end_frame_and_seismic_fraction() -> None:
    out = get_tool("storage_rack_loads").run({**RACK, "bays": 1, "seismic_weight_fraction": 0.8})
    assert out.frame == "end" and out.share_of_bay == 0.5
    assert [level.elevation_ft for level in out.levels] == [4, 8.5, 13]
    assert [level.frame_load_lb for level in out.levels] == [1875, 1125, 750]
    assert out.total_seismic_weight_kN == pytest.approx(0.8 * 3750 * LB_TO_KN)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"pallet_weights_lb": [1250, 750]}, "has 2 entries"),
        ({"pallet_weights_lb": [1250, -750, 500]}, "cannot be negative"),
        ({"bays": 1, "frame": "interior"}, "no interior frame"),
        ({"bays": 0}, "bays"),
        ({"level_elevations_ft": [0, 8.5, 13]}, "above the floor"),
        ({"level_elevations_ft": [13, 4, 8.5]}, "bottom up"),
    ],
)
def test_bad_rack_loads(change: dict, words: str) -> None:
    with pytest.raises(ToolInputError, match=words):
        get_tool("storage_rack_loads").run({**RACK, **change})

"""seismic_hazard: the shipped BCBC 2018 Table C-3 and the lookup by location name."""

from __future__ import annotations

import hashlib

import pytest

from reasonsuite.tools import ToolInputError, get_tool
from reasonsuite.tools.structural.hazard import load_table_c3, table_path

TABLE_SHA256 = "463d6f35164fa9ecd87ab59275a21ac1956196898d5a975545de67fbe5aa9a08"


def test_shipped_table_is_the_checked_extraction() -> None:
    assert hashlib.sha256(table_path().read_bytes()).hexdigest() == TABLE_SHA256
    table = load_table_c3()
    assert len(table) == 110
    # The three wrapped-name rows the first extraction dropped, read by eye on page 17.
    assert table["Vancouver (Granville & 41 Ave)"]["Sa_0_2"] == 0.863
    assert table["Surrey (88 Ave & 156 St.)"]["PGV"] == 0.511
    assert table["Burnaby (Simon Fraser Univ.)"]["PGA"] == 0.333
    # Rows read by eye against the rendered PDF page (see data/bcbc2018/PROVENANCE.md).
    assert table["McLeod Lake"]["Sa_10_0"] == 0.0053
    assert table["Taylor"]["Sa_5_0"] == 0.0076
    assert table["Port Alice"] == {
        "Sa_0_2": 1.60, "Sa_0_5": 1.27, "Sa_1_0": 0.759, "Sa_2_0": 0.412,
        "Sa_5_0": 0.128, "Sa_10_0": 0.042, "PGA": 0.689, "PGV": 0.868,
    }  # fmt: skip


def test_every_spectrum_decreases_with_period_beyond_half_a_second() -> None:
    # A physical sanity check on the whole extraction: long-period ordinates never exceed Sa(0.5).
    for name, row in load_table_c3().items():
        ordinates = [row[key] for key in ("Sa_0_5", "Sa_1_0", "Sa_2_0", "Sa_5_0", "Sa_10_0")]
        assert ordinates == sorted(ordinates, reverse=True), name


@pytest.mark.parametrize("spelling", ["Nanaimo", "nanaimo", "Nanaimo, BC", "NANAIMO B.C.", "  Nanaimo  "])
def test_nanaimo_in_any_spelling(spelling: str) -> None:
    out = get_tool("seismic_hazard").run({"location": spelling})
    assert out.location == "Nanaimo"
    assert (out.Sa_0_2, out.Sa_0_5, out.Sa_1_0, out.Sa_2_0) == (1.02, 0.942, 0.542, 0.328)
    assert (out.Sa_5_0, out.Sa_10_0, out.PGA, out.PGV) == (0.104, 0.037, 0.446, 0.684)
    assert out.site_class == "C" and "Table C-3" in out.source


def test_names_with_parentheses_resolve() -> None:
    assert get_tool("seismic_hazard").run({"location": "Victoria (Mt Tolmie)"}).Sa_0_2 == 1.29


def test_ambiguous_name_lists_the_candidates() -> None:
    with pytest.raises(ToolInputError) as caught:
        get_tool("seismic_hazard").run({"location": "Vancouver"})
    assert caught.value.field == "location"
    assert "Vancouver (City Hall)" in str(caught.value) and "North Vancouver" in str(caught.value)


def test_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(ToolInputError) as caught:
        get_tool("seismic_hazard").run({"location": "Nanaimoo"})
    assert caught.value.field == "location"
    assert "not a location" in str(caught.value) and "Nanaimo" in str(caught.value)


@pytest.mark.parametrize("payload", [{"location": ""}, {}, {"location": "Nanaimo", "site": "C"}, {"location": 3}])
def test_malformed_input_names_the_field(payload: dict) -> None:
    with pytest.raises(ToolInputError) as caught:
        get_tool("seismic_hazard").run(payload)
    assert caught.value.field in {"location", "site"}

"""`seismic_hazard`: a BC location's seismic design data from BCBC 2018 Appendix C, Table C-3.

The table ships with the suite (``data/bcbc2018/table_c3_seismic.csv``, see its PROVENANCE.md) so the lookup is a
deterministic read of the code's published values, not retrieval from a PDF by an LLM. The file is located through
the installed ``reasonsuite.data`` package folder without importing that package: tools depend on the data file,
not on the data loaders' code.
"""

from __future__ import annotations

import csv
import difflib
import importlib.util
import re
from functools import cache
from pathlib import Path

from pydantic import Field

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool

TABLE_SOURCE = (
    "BC Building Code 2018, Division B, Appendix C, Table C-3 (5%-damped horizontal spectral accelerations, PGA and "
    "PGV with a 2% probability of exceedance in 50 years; NBC 2015 gives them for reference site class C)"
)
_COLUMNS = ("Sa_0_2", "Sa_0_5", "Sa_1_0", "Sa_2_0", "Sa_5_0", "Sa_10_0", "PGA", "PGV")
_CSV_COLUMNS = ("Sa_0.2", "Sa_0.5", "Sa_1.0", "Sa_2.0", "Sa_5.0", "Sa_10.0", "PGA", "PGV")


def table_path() -> Path:
    """Where the shipped Table C-3 lies (the ``bcbc2018`` folder of the installed ``reasonsuite.data`` package)."""
    spec = importlib.util.find_spec("reasonsuite.data")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the reasonsuite.data package folder was not found; is reasonsuite installed?")
    return Path(next(iter(spec.submodule_search_locations))) / "bcbc2018" / "table_c3_seismic.csv"


def _normalise(name: str) -> str:
    """Compare names case-, punctuation- and province-insensitively ("nanaimo, B.C." == "Nanaimo")."""
    name = re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()
    return re.sub(r"\s+(bc|b c|british columbia)(\s+canada)?$", "", name)


@cache
def load_table_c3() -> dict[str, dict[str, float]]:
    """Table C-3 as {location: {Sa_0_2: …, PGV: …}}, in the table's order."""
    with table_path().open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return {
            row["location"]: {ours: float(row[theirs]) for ours, theirs in zip(_COLUMNS, _CSV_COLUMNS, strict=True)}
            for row in reader
        }


class SeismicHazardInput(ToolInput):
    """A location in British Columbia listed in BCBC 2018 Table C-3."""

    location: str = Field(
        min_length=1,
        max_length=100,
        description="location name as listed in BCBC 2018 Table C-3, e.g. 'Nanaimo' or 'Victoria (Mt Tolmie)'; "
        "case, punctuation and a trailing ', BC' are ignored",
    )


class SeismicHazardOutput(ToolOutput):
    location: str = Field(description="the location's name as the table lists it")
    Sa_0_2: float = Field(description="5%-damped spectral acceleration at 0.2 s, g")
    Sa_0_5: float = Field(description="spectral acceleration at 0.5 s, g")
    Sa_1_0: float = Field(description="spectral acceleration at 1.0 s, g")
    Sa_2_0: float = Field(description="spectral acceleration at 2.0 s, g")
    Sa_5_0: float = Field(description="spectral acceleration at 5.0 s, g")
    Sa_10_0: float = Field(description="spectral acceleration at 10.0 s, g")
    PGA: float = Field(description="peak ground acceleration, g")
    PGV: float = Field(description="peak ground velocity, m/s")
    probability: str = Field(default="2% in 50 years", description="exceedance probability of the values")
    site_class: str = Field(default="C", description="the reference site class the values are given for")
    source: str = TABLE_SOURCE


@register_tool("seismic_hazard")
def seismic_hazard(inp: SeismicHazardInput) -> SeismicHazardOutput:
    """Seismic hazard values Sa(0.2)…Sa(10.0), PGA and PGV for a BC location (BCBC 2018 Table C-3).

    Exact name match after normalising case and punctuation; a name that matches several entries ("Vancouver") or
    none is an error listing the closest table names, never a guess.
    """
    table = load_table_c3()
    by_key = {_normalise(name): name for name in table}
    wanted = _normalise(inp.location)
    if wanted in by_key:
        name = by_key[wanted]
        return SeismicHazardOutput(location=name, **table[name])
    containing = [name for key, name in by_key.items() if re.search(rf"\b{re.escape(wanted)}\b", key)] if wanted else []
    if containing:
        raise ToolInputError(
            "location", f"{inp.location!r} matches several Table C-3 entries: {', '.join(containing)}; name one"
        )
    close = [by_key[key] for key in difflib.get_close_matches(wanted, list(by_key), n=5, cutoff=0.6)]
    hint = f"closest names: {', '.join(close)}" if close else "see `reasonsuite tool seismic_hazard --schema`"
    raise ToolInputError("location", f"{inp.location!r} is not a location in BCBC 2018 Table C-3; {hint}")

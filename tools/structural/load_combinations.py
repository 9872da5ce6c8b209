"""`load_combinations`: NBC 2015 (BCBC 2018) load combinations for dead, live, snow, wind and earthquake effects.

Ultimate limit states follow Table 4.1.3.2.-A; serviceability combinations use the specified loads (factor 1.0 on
the dead and the principal load, the table's companion factors on the companion load). The loads are load effects
(a force, a moment, a reaction…) in any one consistent unit, a single value or one value per component.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, FiniteFloat, WithJsonSchema, model_validator

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool

__all__ = [
    "GoverningValue",
    "LoadCombination",
    "LoadCombinationsInput",
    "LoadCombinationsOutput",
    "compute_load_combinations",
]

LOAD_TYPES = ("D", "L", "S", "W", "E")
LATERAL_LOADS = ("W", "E")
FactorSet = tuple[int, str, dict[str, float]]  # (load case, principal load, {load type: factor})


def _as_list(value: Any) -> Any:
    """A single number is a one-component load effect."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a number or a list of numbers, got {type(value).__name__}")
    return value


LoadEffect = Annotated[
    list[FiniteFloat],
    BeforeValidator(_as_list),
    Field(min_length=1, max_length=1000),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "array", "items": {"type": "number"}, "minItems": 1}]}),
]


class LoadCombinationsInput(ToolInput):
    """Specified (unfactored) load effects by load type, each a number or a list with one value per component.

    Every load given must have the same number of values (e.g. a force at each of three levels); omit a load type
    that does not act. Use one consistent unit throughout (kN, kN m, kPa…).
    """

    D: LoadEffect | None = Field(default=None, description="dead load effect D")
    L: LoadEffect | None = Field(default=None, description="live load effect L (occupancy, storage)")
    S: LoadEffect | None = Field(default=None, description="snow load effect S (rain included)")
    W: LoadEffect | None = Field(default=None, description="wind load effect W, one direction")
    E: LoadEffect | None = Field(default=None, description="earthquake load effect E, one direction")
    storage_occupancy: bool = Field(
        default=False,
        description="storage areas, equipment areas or service rooms (e.g. pallet racks): the companion live load "
        "factor 0.5 of load cases 4 and 5 becomes 1.0",
    )
    reverse_lateral_loads: bool = Field(
        default=True, description="also combine W and E with the opposite sign (they act in both directions)"
    )
    component_names: list[str] | None = Field(
        default=None, description="optional names of the components (e.g. level names), one per value"
    )

    @model_validator(mode="after")
    def _at_least_one_load(self) -> LoadCombinationsInput:
        if all(getattr(self, load) is None for load in LOAD_TYPES):
            raise ValueError("give at least one load effect among D, L, S, W and E")
        return self


class LoadCombination(ToolOutput):
    limit_state: Literal["ULS", "SLS"] = Field(description="ultimate or serviceability limit state")
    case: int = Field(description="load case number of NBC 2015 Table 4.1.3.2.-A (1 to 5)")
    name: str = Field(description="the combination, e.g. '1.25D + 1.5L + 1.0S'")
    principal_load: str = Field(description="the principal load of the case")
    factors: dict[str, float] = Field(description="load factor per load type, negative for a reversed W or E")
    values: list[float] = Field(description="combined load effect, one value per component")


class GoverningValue(ToolOutput):
    component: str = Field(description="component name or index")
    max_value: float
    max_combination: str
    min_value: float
    min_combination: str
    governing_value: float = Field(description="the value of largest magnitude (signed)")
    governing_combination: str


class LoadCombinationsOutput(ToolOutput):
    companion_live_load_factor: float = Field(description="companion factor on L in load cases 4 and 5")
    uls_combinations: list[LoadCombination] = Field(description="NBC 2015 Table 4.1.3.2.-A combinations")
    uls_governing: list[GoverningValue] = Field(description="extreme ULS values, one entry per component")
    sls_combinations: list[LoadCombination] = Field(description="serviceability combinations (specified loads)")
    sls_governing: list[GoverningValue] = Field(description="extreme SLS values, one entry per component")
    notes: list[str]


def _uls_factor_sets(companion_live: float) -> list[FactorSet]:
    """Table 4.1.3.2.-A, each '(a or b)' choice spelt out, and each case also without its companion load."""
    sets: list[FactorSet] = [(1, "D", {"D": 1.4})]
    for case, principal, factor, companions in (
        (2, "L", 1.5, ({}, {"S": 1.0}, {"W": 0.4})),
        (3, "S", 1.5, ({}, {"L": 1.0}, {"W": 0.4})),
        (4, "W", 1.4, ({}, {"L": companion_live}, {"S": 0.5})),
    ):
        for dead in (1.25, 0.9):
            sets += [(case, principal, {"D": dead, principal: factor, **companion}) for companion in companions]
    for companion in ({}, {"L": companion_live}, {"S": 0.25}, {"L": companion_live, "S": 0.25}):
        sets.append((5, "E", {"D": 1.0, "E": 1.0, **companion}))
    return sets


def _sls_factor_sets(companion_live: float) -> list[FactorSet]:
    """Specified loads: 1.0D + 1.0 principal + the companion factors of Table 4.1.3.2.-A; no earthquake case."""
    sets: list[FactorSet] = [(1, "D", {"D": 1.0})]
    for case, principal, companions in (
        (2, "L", ({}, {"S": 1.0}, {"W": 0.4})),
        (3, "S", ({}, {"L": 1.0}, {"W": 0.4})),
        (4, "W", ({}, {"L": companion_live}, {"S": 0.5})),
    ):
        sets += [(case, principal, {"D": 1.0, principal: 1.0, **companion}) for companion in companions]
    return sets


def _applicable(sets: list[FactorSet], given: set[str], reverse_lateral: bool) -> list[FactorSet]:
    """Drop the combinations that need an absent load (an absent D is simply left out), add reversed W and E."""
    kept: list[FactorSet] = []
    seen: set[tuple[tuple[str, float], ...]] = set()
    for case, principal, factors in sets:
        if principal not in given or any(load not in given for load in factors if load != "D"):
            continue
        factors = {load: factor for load, factor in factors.items() if load in given}
        variants = [factors]
        lateral = [load for load in factors if load in LATERAL_LOADS]
        if reverse_lateral and lateral:
            variants.append({load: -factor if load in lateral else factor for load, factor in factors.items()})
        for variant in variants:
            key = tuple(variant.items())
            if key not in seen:
                seen.add(key)
                kept.append((case, principal, variant))
    return kept


def _name(factors: dict[str, float]) -> str:
    text = ""
    for load, factor in factors.items():
        term = f"{abs(factor)}{load}"
        if not text:
            text = term if factor >= 0 else f"-{term}"
        else:
            text += f" + {term}" if factor >= 0 else f" - {term}"
    return text


def _combine(
    limit_state: Literal["ULS", "SLS"], sets: list[FactorSet], loads: dict[str, list[float]], size: int
) -> list[LoadCombination]:
    return [
        LoadCombination(
            limit_state=limit_state,
            case=case,
            name=_name(factors),
            principal_load=principal,
            factors=factors,
            values=[sum(factor * loads[load][i] for load, factor in factors.items()) for i in range(size)],
        )
        for case, principal, factors in sets
    ]


def _governing(combinations: list[LoadCombination], names: list[str]) -> list[GoverningValue]:
    result = []
    for i, component in enumerate(names):
        highest = max(combinations, key=lambda c: c.values[i])
        lowest = min(combinations, key=lambda c: c.values[i])
        largest = max(combinations, key=lambda c: abs(c.values[i]))
        result.append(
            GoverningValue(
                component=component,
                max_value=highest.values[i],
                max_combination=highest.name,
                min_value=lowest.values[i],
                min_combination=lowest.name,
                governing_value=largest.values[i],
                governing_combination=largest.name,
            )
        )
    return result


@register_tool("load_combinations")
def compute_load_combinations(inp: LoadCombinationsInput) -> LoadCombinationsOutput:
    """Factored (ULS) and serviceability load combinations of NBC 2015 / BCBC 2018 for D, L, S, W and E effects.

    ULS, Table 4.1.3.2.-A: 1) 1.4D; 2) (1.25D or 0.9D) + 1.5L + (1.0S or 0.4W); 3) (1.25D or 0.9D) + 1.5S +
    (1.0L or 0.4W); 4) (1.25D or 0.9D) + 1.4W + (0.5L or 0.5S); 5) 1.0D + 1.0E + 0.5L + 0.25S. Per the table's note
    on the companion live load, its factor 0.5 (cases 4 and 5) is 1.0 for storage areas, equipment areas and
    service rooms (`storage_occupancy`). The counteracting 0.9D variant of cases 2 to 4 is listed; each case is also
    listed without its companion load(s), since a variable load that relieves the effect is taken as absent; W and
    E are applied in both directions unless `reverse_lateral_loads` is false. Combinations needing a load that was
    not given are left out.

    SLS (4.1.3.4, 4.1.3.5; this tool's reading): the specified loads, 1.0D alone and 1.0D + 1.0 principal (L, S or
    W) with or without the companion at its Table 4.1.3.2.-A factor; earthquake is left out (seismic deflections
    come from 4.1.8.13). The caller supplies W and S at their serviceability importance factors if they differ.

    Output: every combination with its factors and values per component, and per component the maximum, minimum
    and largest-magnitude value with the combination that gives it (ties: the first listed).
    """
    given = {load: values for load in LOAD_TYPES if (values := getattr(inp, load)) is not None}
    first = next(iter(given))
    size = len(given[first])
    for load, values in given.items():
        if len(values) != size:
            raise ToolInputError(
                load,
                f"has {len(values)} value(s) but {first} has {size}; give every load with the same number of "
                "values (one per component)",
            )
    if inp.component_names is None:
        names = [str(i) for i in range(size)]
    elif len(inp.component_names) != size:
        raise ToolInputError(
            "component_names", f"has {len(inp.component_names)} names for {size} component(s); give one per value"
        )
    else:
        names = list(inp.component_names)

    companion_live = 1.0 if inp.storage_occupancy else 0.5
    uls = _combine(
        "ULS", _applicable(_uls_factor_sets(companion_live), set(given), inp.reverse_lateral_loads), given, size
    )
    sls = _combine(
        "SLS", _applicable(_sls_factor_sets(companion_live), set(given), inp.reverse_lateral_loads), given, size
    )
    notes = [
        f"companion live load factor in cases 4 and 5: {companion_live} "
        + (
            "(storage area, equipment area or service room)"
            if inp.storage_occupancy
            else "(1.0 only for storage areas, equipment areas and service rooms)"
        ),
        "W and E taken in both directions" if inp.reverse_lateral_loads else "W and E taken with the sign given only",
        "each case is also listed without its companion load (a relieving variable load is taken as absent)",
    ]
    return LoadCombinationsOutput(
        companion_live_load_factor=companion_live,
        uls_combinations=uls,
        uls_governing=_governing(uls, names),
        sls_combinations=sls,
        sls_governing=_governing(sls, names) if sls else [],
        notes=notes,
    )

"""``reasonsuite rack``: check a pallet-rack side frame with the tools alone and print each step and the verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .cli_common import fail, stdout_console

rack_app = typer.Typer(help="Storage-rack side frames (the MASSE problems) checked by the calculation tools.",
                       no_args_is_help=True)  # fmt: skip
console = stdout_console(150)


def _problem(problem_id: str | None, problem_file: Path | None):
    from .data import load_rack_problems
    from .tools import ToolInputError
    from .tools.structural.rack_problem import RackProblem

    if problem_file is not None:
        try:
            record = json.loads(problem_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise fail(f"--problem-file: cannot read {problem_file}: {err}") from None
        if not isinstance(record, dict):
            raise fail("--problem-file: expected a JSON object (a RackProblem or a MASSE record)")
        from pydantic import ValidationError

        try:
            return RackProblem.from_record(record)
        except ValidationError as err:
            raise fail(f"--problem-file: {ToolInputError.from_validation_error(err)}") from None
        except ToolInputError as err:
            raise fail(f"--problem-file: {err}") from None
    problems = load_rack_problems()
    if problem_id not in problems:
        raise fail(f"--problem: no shipped problem {problem_id!r}; shipped: {', '.join(sorted(problems))}")
    return problems[problem_id]


@rack_app.command("check")
def check(
    problem_id: Annotated[str, typer.Option("--problem", help="id of a shipped MASSE problem")] = "1",
    problem_file: Annotated[
        Path | None, typer.Option(help="a RackProblem JSON file, or a record in MASSE's layout, instead of --problem")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the full result as JSON")] = False,
) -> None:
    """Hazard → base shear → frame analysis → member checks for one rack, ending with ADEQUATE or INADEQUATE."""
    from .tools import ToolInputError, get_tool

    problem = _problem(problem_id, problem_file)
    try:
        result = get_tool("rack_check").run({"problem": problem.model_dump()})
    except ToolInputError as err:
        raise fail(f"rack_check: {err}") from None
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    _print_report(problem, result)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="left" if column in {"member", "step", "combination", "check"} else "right")
    return table


def _print_report(problem, result) -> None:
    hazard, shear = result.hazard, result.base_shear
    console.print(f"[bold]Rack {problem.problem_id or ''} — {problem.location}[/]: {problem.bays} bays, "
                  f"{problem.pallets_per_beam} pallets per beam, levels at "
                  f"{', '.join(f'{h:g}' for h in problem.level_elevations_ft)} ft")  # fmt: skip
    console.print(
        f"1. seismic_hazard ({hazard.location}, BCBC 2018 Table C-3): Sa(0.2) = {hazard.Sa_0_2} g, "
        f"Sa(0.5) = {hazard.Sa_0_5} g, Sa(1.0) = {hazard.Sa_1_0} g, Sa(2.0) = {hazard.Sa_2_0} g, PGA = {hazard.PGA} g"
    )
    levels = _table("2. Loads per beam level on the frame", "elevation m", "pallets kN", "Wx kN", "Fx kN")
    for level in result.level_loads:
        levels.add_row(f"{level.elevation_m:.3f}", f"{level.pallet_load_kN:.2f}", f"{level.seismic_weight_kN:.2f}",
                       f"{level.seismic_force_kN:.2f}")  # fmt: skip
    console.print(levels)
    cap = f"{shear.V_max_kN:.2f}" if shear.V_max_kN is not None else "none"
    console.print(
        f"3. seismic_base_shear (NBC 4.1.8.11): Ta = {shear.Ta_s:.3f} s, S(Ta) = {shear.S_Ta_g:.3f} g, "
        f"W = {shear.W_kN:.2f} kN, V = {shear.V_formula_kN:.2f} kN by formula, bounds {shear.V_min_kN:.2f} – {cap} kN "
        f"→ V = {shear.V_kN:.2f} kN ({shear.governing}), Ft = {shear.Ft_kN:.2f} kN"
    )
    post, brace = result.post_section, result.brace_section
    console.print(
        f"4. section_properties: post A = {post.area_mm2:.0f} mm², Ix = {post.Ix_mm4 / 1e6:.4f}e6 mm⁴, "
        f"rx = {post.rx_mm:.1f} mm, ry = {post.ry_mm:.1f} mm; brace A = {brace.area_mm2:.1f} mm², "
        f"r_min = {brace.r_min_mm:.2f} mm"
    )
    worst = max(result.analysis.results, key=lambda r: r.equilibrium.relative_residual)
    drift = max(result.analysis.results, key=lambda r: r.summary.max_abs_ux_mm)
    console.print(
        f"5. frame_analysis: {len(result.frame.nodes)} nodes, {len(result.frame.members)} members, "
        f"{len(result.analysis.results)} combinations; largest sway {drift.summary.max_abs_ux_mm:.1f} mm "
        f"({drift.name}); equilibrium residual ≤ {worst.equilibrium.relative_residual:.1e} (relative)"
    )
    members = _table("6. member_checks (CSA S16-14), governing combination per member",
                     "member", "combination", "axial kN", "|M| kNm", "check", "utilisation", "status")  # fmt: skip
    for member in sorted(result.members, key=lambda m: -m.utilisation):
        colour = "red" if member.status == "INADEQUATE" else "green"
        members.add_row(member.member, member.combination, f"{member.axial_kN:.2f}", f"{member.moment_kNm:.3f}",
                        member.governing_check or "", f"{member.utilisation:.2f}",
                        f"[{colour}]{member.status}[/]")  # fmt: skip
    console.print(members)
    colour = "red" if result.verdict == "INADEQUATE" else "green"
    console.print(f"[bold {colour}]Verdict: {result.verdict}[/] — governing {result.governing_member}, "
                  f"utilisation {result.max_utilisation:.2f}")  # fmt: skip
    console.print("Assumptions:")
    for line in result.assumptions:
        console.print(f"  - {line}", highlight=False)

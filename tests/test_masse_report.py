"""The MASSE engineer's report: full states of the sample rack and of a braced steel building frame (built with
their step functions, no graph), a steel frame checked by the whole workflow, and partial states, rendered to
Markdown, PDF and PNG figures; the figures' numbers read back from their pure functions and checked by statics."""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.image import imread

from reasonsuite.agents.masse.configuration import MasseConfig
from reasonsuite.agents.masse.figures import (
    deflected_members,
    deformed_figure,
    factored_member_loads,
    factored_nodal_loads,
    frame_figure,
    moment_diagram_points,
    moment_figure,
    sig_figs,
    span_loaded_members,
)
from reasonsuite.agents.masse.report import build_report, latin1, missing_stages, render_report, to_markdown
from reasonsuite.agents.masse.runner import run
from reasonsuite.agents.masse.state import DesignRound, Extraction, MasseState, RedesignProposal, TraceEvent
from reasonsuite.agents.masse.structures import STEEL_FRAME
from reasonsuite.data import load_rack_problems
from reasonsuite.tools.structural.frame import analyse_frame
from reasonsuite.tools.structural.frame_model import (
    FrameInput,
    FrameMember,
    FrameNode,
    LoadCase,
    LoadCombination,
    MemberDistributedLoad,
    MemberPointLoad,
    NodalLoad,
    Support,
)
from reasonsuite.tools.structural.hazard import SeismicHazardInput, seismic_hazard
from reasonsuite.tools.structural.rack import (
    RackDesignBasis,
    build_side_frame,
    check_rack_members,
    rack_base_shear,
    rack_combinations,
    rack_loads,
    rack_sections,
)
from reasonsuite.tools.structural.steel_frame import GRAVITY_M_S2
from reasonsuite.tools.structural.steel_frame_problem import SteelFrameProblem
from reasonsuite.tools.structural.steel_shapes import mass_kg_per_m

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PDF_MAGIC = b"%PDF-"
FIGURE_FILES = ["frame.png", "deformed.png", "axial.png", "moment.png"]


@pytest.fixture(scope="module")
def state() -> MasseState:
    problem = load_rack_problems()["1"]
    basis = RackDesignBasis()
    hazard = seismic_hazard(SeismicHazardInput(location=problem.location))
    loads = rack_loads(problem, basis)
    base_shear = rack_base_shear(hazard, loads, basis)
    post, brace = rack_sections(problem)
    combinations = rack_combinations()
    frame = build_side_frame(
        problem,
        basis,
        post,
        brace,
        [level.frame_load_kN for level in loads.levels],
        [level.Fx_kN for level in base_shear.levels],
        combinations,
    )
    analysis = analyse_frame(frame)
    checks, members = check_rack_members(problem, basis, frame, analysis, post, brace)
    governing = max(members, key=lambda m: m.utilisation)
    names = {"post": "U3.08x2.80x0.079", "brace": "U1.00x1.00x0.054"}
    round_0 = DesignRound(
        round=0, sections=names, verdict=checks.verdict, max_utilisation=governing.utilisation,
        governing=f"{governing.member} ({governing.combination})",
    )  # fmt: skip
    round_1 = round_0.model_copy(
        update={"round": 1, "sections": {**names, "brace": "U1.50x1.50x0.075"}, "proposal_reason": "braces buckle"}
    )
    return MasseState(
        problem_text="A racking system in Nanaimo, BC. …",
        problem=problem,
        basis=basis,
        extraction=Extraction(source="rules"),
        hazard=hazard,
        loads=loads,
        base_shear=base_shear,
        combinations=combinations,
        sections={"post": post, "brace": brace},
        section_names=names,
        frame=frame,
        analysis=analysis,
        checks=checks,
        members=members,
        verdict=checks.verdict,
        rounds=[round_0, round_1],
        trace=[
            TraceEvent(
                role="seismic_agent", kind="tool", name="seismic_hazard", detail="Nanaimo → Sa(0.2)=1.02", seconds=0.01
            ),
            TraceEvent(role="safety_manager", kind="decision", name="sign-off", detail="INADEQUATE", seconds=0.0),
        ],  # fmt: skip
        signed_off=True,
        sign_off_note="Braces fail in compression; the frame is not adequate as designed.",
    )


@pytest.fixture(scope="module")
def report(state, tmp_path_factory):
    return render_report(state, tmp_path_factory.mktemp("report") / "out")


@pytest.fixture(scope="module")
def markdown(report) -> str:
    return report.markdown_path.read_text(encoding="utf-8")


def test_files_are_written_with_their_formats(report) -> None:
    assert report.markdown_path.name == "report.md" and report.markdown_path.stat().st_size > 0
    assert report.pdf_path.read_bytes().startswith(PDF_MAGIC)
    assert set(report.figures) == {"frame", "deformed", "axial", "moment"}
    for path in report.figures.values():
        assert path.parent == report.markdown_path.parent
        assert path.read_bytes().startswith(PNG_MAGIC) and path.stat().st_size > 10_000
    # Atomic writes leave no temporary files behind.
    assert sorted(p.name for p in report.markdown_path.parent.iterdir()) == sorted(
        ["report.md", "report.pdf", "frame.png", "deformed.png", "axial.png", "moment.png"]
    )


def test_markdown_states_the_result_and_its_basis(state, markdown) -> None:
    assert markdown.startswith("# MASSE engineer's report: problem 1, Nanaimo: INADEQUATE")
    assert "INADEQUATE" in markdown and "Nanaimo" in markdown
    governing = max(state["members"], key=lambda m: m.utilisation)
    assert governing.member == "brace_2"
    assert f"{governing.member} ({governing.combination})" in markdown
    shear = re.search(r"V = (\d+(?:\.\d+)?) kN", markdown)
    assert shear is not None and 2 <= len(shear.group(1).replace(".", "").lstrip("0")) <= 3
    assert float(shear.group(1)) == pytest.approx(state["base_shear"].V_kN, rel=0.01)  # 16.1 kN
    for member in state["frame"].members:
        assert f"| {member.name} |" in markdown
    assert "4.1.8.11" in markdown and "Table C-3" in markdown
    for heading in ("1 Problem", "2 Assumptions", "3 Seismic parameters", "4 Loads", "5 Analysis",
                    "6 Member checks", "7 Verdict and sign-off", "8 Redesign history", "9 Agent trace"):  # fmt: skip
        assert f"## {heading}" in markdown
    for figure in FIGURE_FILES:
        assert f"]({figure})" in markdown
    assert "all loads at nodes" in markdown and "parabola" not in markdown  # the rack's moment caption
    assert "| Round | Post | Brace | Verdict |" in markdown  # the redesign history's columns are the groups
    assert "| 1 | U3.08x2.80x0.079 | U1.50x1.50x0.075 | INADEQUATE |" in markdown and "braces buckle" in markdown
    assert "| post | U3.08x2.80x0.079 (web × flange × thickness 2.795 × 3.079 × 0.0787 in) |" in markdown
    assert "Nanaimo → Sa(0.2)=1.02" in markdown  # trace detail, unicode kept in the Markdown
    assert "Run:** complete" in markdown


def test_member_table_is_sorted_by_utilisation(state, markdown) -> None:
    names = {m.member for m in state["members"]}
    rows = [line.split(" | ") for line in markdown.splitlines() if line.startswith("| ") and line[2:].split(" |")[0]
            in names and line.count("|") == 9]  # fmt: skip
    utilisations = [float(row[6]) for row in rows]
    assert len(rows) == len(names) and utilisations == sorted(utilisations, reverse=True)
    assert utilisations[0] == pytest.approx(max(m.utilisation for m in state["members"]), abs=0.005)


def test_a_failed_run_renders_what_it_has(state, tmp_path) -> None:
    partial = MasseState(problem=state["problem"], failure="seismic_agent: 'Atlantis' is not a location in Table C-3")
    files = render_report(partial, tmp_path)
    text = files.markdown_path.read_text(encoding="utf-8")
    assert "'Atlantis' is not a location in Table C-3" in text
    assert "NO VERDICT" in text and "Nanaimo" in text
    assert "the seismic hazard stage did not run" in text and "frame analysis" in text
    assert files.figures == {} and files.pdf_path.read_bytes().startswith(PDF_MAGIC)
    assert missing_stages(partial)[0] == "design basis"
    assert render_report(MasseState(), tmp_path / "empty").pdf_path.read_bytes().startswith(PDF_MAGIC)


def test_a_run_stopped_before_the_analysis_draws_the_model_only(state, tmp_path) -> None:
    keys = ("problem", "basis", "hazard", "loads", "base_shear", "combinations", "sections", "section_names", "frame")
    partial = MasseState(**{key: state[key] for key in keys}, failure="structural_analysis_agent: unstable frame")
    (tmp_path / "moment.png").write_bytes(b"stale")  # from an earlier render into the same folder
    files = render_report(partial, tmp_path)
    text = files.markdown_path.read_text(encoding="utf-8")
    assert set(files.figures) == {"frame"} and not (tmp_path / "moment.png").exists()
    assert "](frame.png)" in text and "the frame analysis stage did not run" in text
    assert "unstable frame" in text and "V = 16.1 kN" in text


def test_moment_diagram_ends_are_the_member_end_moments(state) -> None:
    result = next(r for r in state["analysis"].results if r.name == "1.0D + 1.0E + 1.0L")
    forces = {f.member: f for f in result.members}
    diagrams = moment_diagram_points(state["frame"], result)
    posts = [m.name for m in state["frame"].members if m.kind == "beam_column"]
    assert [d.member for d in diagrams] == posts  # braces are trusses: no diagram
    largest = max(d.max_abs_moment_kNm for d in diagrams)
    for d in diagrams:
        assert d.moment_start_kNm == forces[d.member].moment_start_kNm
        assert d.moment_end_kNm == forces[d.member].moment_end_kNm
        assert d.linear  # the rack's loads are all at nodes
        # Posts run upwards: -local y is +X, so a positive M is drawn to the right, M × scale long.
        assert d.start_ordinate_xy[0] - d.start_xy[0] == pytest.approx(d.moment_start_kNm * d.scale_m_per_kNm)
        assert d.end_ordinate_xy[0] - d.end_xy[0] == pytest.approx(d.moment_end_kNm * d.scale_m_per_kNm)
        assert d.end_ordinate_xy[1] == pytest.approx(d.end_xy[1])
    # The default scale draws the largest moment 8% of the frame height (16 ft) long.
    assert largest * diagrams[0].scale_m_per_kNm == pytest.approx(0.08 * 16 * 0.3048)


def test_drawn_loads_are_the_factored_load_cases(state) -> None:
    result = next(r for r in state["analysis"].results if r.name == "1.0D - 1.0E + 1.0L")
    loads = factored_nodal_loads(state["frame"], result.factors)
    assert sum(load.fx_kN for load in loads) == pytest.approx(-state["base_shear"].V_kN)  # Ft = 0, -1.0 E
    self_weight = sum(
        -load.fy_kN for case in state["frame"].load_cases if case.name == "D" for load in case.nodal_loads
    )
    assert sum(-load.fy_kN for load in loads) == pytest.approx(state["loads"].total_frame_load_kN + self_weight)


def test_a_portal_frame_with_span_loads_draws(tmp_path) -> None:
    frame = FrameInput(
        nodes=[FrameNode(name="A", x_m=0, y_m=0), FrameNode(name="B", x_m=0, y_m=4),
               FrameNode(name="C", x_m=6, y_m=4), FrameNode(name="D", x_m=6, y_m=0)],
        members=[FrameMember(name=n, start=n[0], end=n[1], E_MPa=200_000, A_mm2=5000, I_mm4=8e7)
                 for n in ("AB", "BC", "CD")],
        supports=[Support(node="A", ux=True, uy=True, rz=True), Support(node="D", ux=True, uy=True, rz=False)],
        load_cases=[LoadCase(name="D", member_distributed_loads=[MemberDistributedLoad(member="BC",
                                                                                      direction="global_y",
                                                                                      w_kN_per_m=-10)]),
                    LoadCase(name="W", nodal_loads=[NodalLoad(node="B", fx_kN=20)])],
        combinations=[LoadCombination(name="1.25D + 1.4W", factors={"D": 1.25, "W": 1.4})],
    )  # fmt: skip
    result = analyse_frame(frame).results[0]
    diagrams = {d.member: d for d in moment_diagram_points(frame, result)}
    assert not diagrams["BC"].linear and diagrams["AB"].linear and diagrams["CD"].linear
    assert diagrams["CD"].moment_end_kNm == pytest.approx(0, abs=1e-9)  # pinned base
    bc = {f.member: f for f in result.members}["BC"]
    assert max(abs(m) for m in diagrams["BC"].moments_kNm) == pytest.approx(bc.max_abs_moment_kNm, rel=1e-6)
    for draw in (frame_figure, deformed_figure, moment_figure):
        assert draw(frame, result, tmp_path / f"{draw.__name__}.png").read_bytes().startswith(PNG_MAGIC)


def test_a_point_load_kinks_the_moment_diagram_and_bends_the_beam(tmp_path) -> None:
    """A simple beam, P = 12 kN at a = 2 m of L = 6 m: M = P a b / L under the load, deflection P a² b² / (3 E I L)."""
    frame = FrameInput(
        nodes=[FrameNode(name="A", x_m=0, y_m=0), FrameNode(name="B", x_m=6, y_m=0)],
        members=[FrameMember(name="AB", start="A", end="B", E_MPa=200_000, A_mm2=5000, I_mm4=8e7)],
        supports=[Support(node="A", ux=True, uy=True, rz=False), Support(node="B", ux=False, uy=True, rz=False)],
        load_cases=[LoadCase(name="P", member_point_loads=[MemberPointLoad(member="AB", direction="global_y",
                                                                          p_kN=-12, distance_m=2)])],
        combinations=[LoadCombination(name="1.0P", factors={"P": 1.0})],
    )  # fmt: skip
    result = analyse_frame(frame).results[0]
    diagram = moment_diagram_points(frame, result)[0]
    assert not diagram.linear and 2.0 in diagram.stations_m  # the kink is a station
    assert diagram.moments_kNm[diagram.stations_m.index(2.0)] == pytest.approx(12 * 2 * 4 / 6)
    assert max(map(abs, diagram.moments_kNm)) == pytest.approx(result.members[0].max_abs_moment_kNm, rel=1e-6)
    shape = deflected_members(frame, result)[0]
    under = min(range(len(shape.points_xy)), key=lambda i: abs(shape.points_xy[i][0] - 2.0))
    ei = 200_000 * 8e7 * 1e-9
    assert -shape.displacements_m[under][1] == pytest.approx(12 * 2**2 * 4**2 / (3 * ei * 6), rel=1e-3)
    assert moment_figure(frame, result, tmp_path / "moment.png").read_bytes().startswith(PNG_MAGIC)


def test_pdf_text_is_latin1() -> None:
    assert latin1("Cf/Cr ≤ 1, φ = 0.9, √x → mm² …") == "Cf/Cr <= 1, phi = 0.9, sqrtx -> mm^2 ..."
    assert latin1("× °").encode("latin-1")
    assert latin1("Ix, 10⁶ mm⁴") == "Ix, 10^6 mm^4"  # not "106" (NFKC would fold ⁶ into 6)


# --- Single-storey steel building frame ------------------------------------------------------------------------------

STEEL_FRAME_PROBLEM = {
    "location": "Nanaimo", "span_m": 12, "eave_height_m": 6, "frame_spacing_m": 7.5, "lateral_system": "braced",
    "roof_dead_kPa": 1.0, "roof_snow_kPa": 1.8, "column": "W250x49", "beam": "W410x54", "brace": "HSS102x102x6.4",
}  # fmt: skip


def steel_frame_state(problem: SteelFrameProblem, proposal: RedesignProposal | None = None) -> MasseState:
    """A full state of a steel frame from the structure's own steps, in workflow order (what the roles call)."""
    structure = STEEL_FRAME
    basis = structure.basis_of(MasseConfig())
    hazard = seismic_hazard(SeismicHazardInput(location=problem.location))
    loads = structure.loads(problem, basis)
    base_shear = structure.base_shear(hazard, loads, problem, basis)
    combinations = structure.combinations()
    sections = structure.sections(problem)
    frame = structure.build_frame(problem, basis, sections, loads, base_shear, combinations)
    analysis = analyse_frame(frame)
    checks, members = structure.check_members(problem, basis, frame, analysis, sections)
    governing = max(members, key=lambda m: m.utilisation)
    names = structure.section_names(problem)
    return MasseState(
        problem=problem, design=problem, basis=basis, extraction=Extraction(source="structured"), hazard=hazard,
        loads=loads, base_shear=base_shear, combinations=combinations, sections=sections, section_names=names,
        frame=frame, analysis=analysis, checks=checks, members=members, verdict=checks.verdict,
        rounds=[DesignRound(round=0, sections=names, verdict=checks.verdict, max_utilisation=governing.utilisation,
                            governing=f"{governing.member} ({governing.combination})")],
        proposal=proposal,
    )  # fmt: skip


@pytest.fixture(scope="module")
def steel_state() -> MasseState:
    proposal = RedesignProposal(sections={"brace": "HSS127x127x8.0"}, reason="the brace buckles")
    return steel_frame_state(SteelFrameProblem(**STEEL_FRAME_PROBLEM), proposal)


@pytest.fixture(scope="module")
def steel_report(steel_state, tmp_path_factory):
    return render_report(steel_state, tmp_path_factory.mktemp("steel_report"))


@pytest.fixture(scope="module")
def steel_markdown(steel_report) -> str:
    return steel_report.markdown_path.read_text(encoding="utf-8")


def _green_pixels(path) -> int:
    """Pixels of matplotlib's tab:green (the member-load colour) in a PNG."""
    image = imread(path)[..., :3]
    return int(np.sum(np.all(np.abs(image - np.array([0.173, 0.627, 0.173])) < 0.06, axis=-1)))


def test_steel_frame_files_are_written(steel_report, report) -> None:
    assert steel_report.pdf_path.read_bytes().startswith(PDF_MAGIC) and steel_report.pdf_path.stat().st_size > 50_000
    assert sorted(p.name for p in steel_report.markdown_path.parent.iterdir()) == sorted(
        ["report.md", "report.pdf", *FIGURE_FILES]
    )
    for path in steel_report.figures.values():
        assert path.read_bytes().startswith(PNG_MAGIC) and path.stat().st_size > 10_000
    # The roof line load is drawn on the frame figure (green arrows); the rack has no member loads to draw.
    assert _green_pixels(steel_report.figures["frame"]) > 200
    assert _green_pixels(report.figures["frame"]) == 0


def test_steel_frame_report_states_the_problem_and_its_loads(steel_state, steel_markdown) -> None:
    loads, shear = steel_state["loads"], steel_state["base_shear"]
    assert steel_markdown.startswith("# MASSE engineer's report: problem (no id), Nanaimo: INADEQUATE")
    assert "**Structure:** single-storey steel building frame" in steel_markdown
    for row in ("| Span (column centre lines) | 12 m |", "| Eave height (bases to beam) | 6 m |",
                "| Frame spacing (tributary width) | 7.5 m |", "| Column bases | pinned |",
                "| Roof dead load D | 1 kPa |", "| Roof snow load S | 1.8 kPa |", "| Columns | W250x49 |",
                "| Roof beam | W410x54 |", "| Brace | HSS102x102x6.4 |", "| E | 200000 MPa |"):  # fmt: skip
        assert row in steel_markdown
    assert "| Lateral system | braced frame" in steel_markdown
    # The line loads: kPa × frame spacing, as the loads tool gave them (7.5 and 13.5 kN/m).
    assert loads.dead_line_load_kN_per_m == pytest.approx(7.5) and loads.snow_line_load_kN_per_m == pytest.approx(13.5)
    assert "| Dead line load on the beam, D | 1 kPa × 7.5 m = 7.50 kN/m |" in steel_markdown
    assert "| Snow line load on the beam, S | 1.8 kPa × 7.5 m = 13.5 kN/m |" in steel_markdown
    assert "| Tributary roof area (span × frame spacing) | 12 m × 7.5 m = 90.0 m² |" in steel_markdown
    assert loads.seismic_weight_kN == pytest.approx((1.0 + 0.25 * 1.8) * 90)  # 130.5 kN
    eave = re.search(r"\| Storey force at the eave, Fx \(Ft included\) \| (\d+(?:\.\d+)?) kN at 6 m", steel_markdown)
    assert eave is not None and float(eave.group(1)) == pytest.approx(shear.levels[0].Fx_kN, rel=0.01)
    assert shear.levels[0].Fx_kN == pytest.approx(shear.V_kN)  # one level: the eave force is the base shear
    assert "D: dead (roof dead load and the members' self-weight), S: snow" in steel_markdown
    assert "| 1.25D + 1.5S | 1.25 D + 1.5 S |" in steel_markdown
    # The steel frame's own assumptions, not the rack's; no rack words anywhere in the report.
    assert "braced frame (Ta = 0.025 hn)" in steel_markdown
    assert "| Share of the snow load in the seismic weight | 0.25 |" in steel_markdown
    assert "pallet" not in steel_markdown.lower() and re.search(r"\bposts?\b", steel_markdown.lower()) is None
    caption = (
        "Figure 1: The bent (one interior frame): beam-columns solid, pin-ended braces (trusses) dashed, moment "
        "releases as open circles, pinned bases as triangles; arrows are the factored loads of"
    )
    assert caption in steel_markdown
    assert "the simple-span moment of the loads across beam (a parabola" in steel_markdown
    assert "D (2 nodal loads, 4 member line loads), S (1 member line load), E (1 nodal load)" in steel_markdown
    assert "Run:** incomplete; stages that did not run: safety sign-off" in steel_markdown


def test_steel_frame_member_and_section_tables(steel_state, steel_markdown) -> None:
    members = {m.member: m for m in steel_state["members"]}
    assert set(members) == {"left_column", "right_column", "beam", "brace"}
    rows = [line.split(" | ") for line in steel_markdown.splitlines()
            if line.startswith("| ") and line[2:].split(" |")[0] in members and line.count("|") == 9]  # fmt: skip
    assert [row[0][2:] for row in rows] == [m.member for m in sorted(members.values(), key=lambda m: -m.utilisation)]
    assert {row[0][2:]: row[1] for row in rows} == {
        "left_column": "column", "right_column": "column", "beam": "beam", "brace": "brace"
    }  # fmt: skip
    assert members["brace"].status == members["beam"].status == "INADEQUATE"  # the brace buckles, the beam yields
    assert members["beam"].moment_kNm == pytest.approx(545, rel=0.01)
    beam = steel_state["sections"]["beam"]
    ix = sig_figs(beam.Ix_mm4 / 1e6)  # the handbook's 10⁶ mm⁴
    assert f"| beam | W410x54 | {sig_figs(beam.area_mm2)} | {ix} |" in steel_markdown
    assert "| column | W250x49 |" in steel_markdown and "| brace | HSS102x102x6.4 |" in steel_markdown
    assert "**Members failing:** beam, brace" in steel_markdown
    assert "**Open proposal:** brace HSS127x127x8.0: the brace buckles" in steel_markdown
    assert "One design round: no redesign." in steel_markdown


def test_a_checkpointed_state_of_dicts_renders_the_same(steel_state, state) -> None:
    """A checkpointer may hand back plain dicts: the problem's `structure` field says which schema reads them."""
    for full in (steel_state, state):
        dumped = {key: value.model_dump() if hasattr(value, "model_dump") else value for key, value in full.items()}
        dumped["sections"] = {group: section.model_dump() for group, section in full["sections"].items()}
        assert to_markdown(build_report(dumped, {})) == to_markdown(build_report(full, {}))


def test_steel_frame_beam_moment_and_deflection_follow_statics(steel_state) -> None:
    """The braced frame's beam is pinned at both ends, so between them it is a simple beam: M = qL²/8 at mid-span
    and a sag of 5qL⁴/(384EI) relative to its ends, with q the factored roof line load plus the self-weight."""
    frame, analysis, loads = steel_state["frame"], steel_state["analysis"], steel_state["loads"]
    result = next(r for r in analysis.results if r.name == "1.25D + 1.5S")
    beam_weight = mass_kg_per_m("W410x54") * GRAVITY_M_S2 / 1000
    q = 1.25 * (loads.dead_line_load_kN_per_m + beam_weight) + 1.5 * loads.snow_line_load_kN_per_m
    beam_loads = [load for load in factored_member_loads(frame, result.factors) if load.member == "beam"]
    assert len(beam_loads) == 1 and beam_loads[0].w_kN_per_m == pytest.approx(-q)  # D, self-weight, S as one load
    assert span_loaded_members(frame, result.factors) == {"beam"}  # a column's self-weight runs along its axis
    diagram = next(d for d in moment_diagram_points(frame, result) if d.member == "beam")
    assert not diagram.linear and diagram.moment_start_kNm == pytest.approx(0, abs=1e-6)
    middle = diagram.stations_m.index(6.0)
    assert diagram.moments_kNm[middle] == pytest.approx(q * 12**2 / 8, rel=1e-6)  # sagging is positive
    assert max(map(abs, diagram.moments_kNm)) == pytest.approx(diagram.max_abs_moment_kNm, rel=1e-6)
    # Sagging: tension at the bottom, so the ordinates are drawn below the beam (y < 6 m).
    assert diagram.ordinates_xy[middle][1] < 6.0
    shape = next(s for s in deflected_members(frame, result) if s.member == "beam")
    assert shape.from_statics
    member = next(m for m in frame.members if m.name == "beam")
    ei = member.E_MPa * member.I_mm4 * 1e-9  # kN m²
    dy = [d[1] for d in shape.displacements_m]
    middle = min(range(len(dy)), key=lambda i: abs(shape.points_xy[i][0] - 6.0))
    sag = (dy[0] + dy[-1]) / 2 - dy[middle]
    assert sag == pytest.approx(5 * q * 12**4 / (384 * ei), rel=1e-3)  # about 0.22 m: the beam is overstressed too


def test_a_moment_frame_report_has_no_brace(tmp_path) -> None:
    problem = SteelFrameProblem(**{**STEEL_FRAME_PROBLEM, "lateral_system": "moment", "brace": None,
                                   "base_fixity": "fixed", "beam": "W460x74"})  # fmt: skip
    files = render_report(steel_frame_state(problem), tmp_path)
    text = files.markdown_path.read_text(encoding="utf-8")
    assert "| Brace | none (moment frame) |" in text and "| Column bases | fixed |" in text
    assert "| brace |" not in text and "Open proposal" not in text
    assert "fixed bases hatched" in text and "moment releases as open circles" not in text
    assert "steel moment frame (Ta = 0.085 hn^0.75)" in text
    assert set(files.figures) == {"frame", "deformed", "axial", "moment"}


@pytest.fixture(scope="module")
def workflow_run(tmp_path_factory):
    return run(SteelFrameProblem(**STEEL_FRAME_PROBLEM), out_dir=tmp_path_factory.mktemp("steel_run"))


def test_the_workflow_state_of_a_steel_frame_renders(workflow_run) -> None:
    """The state the roles leave (design rounds, section names per group) renders without gaps."""
    state = workflow_run.state
    text = workflow_run.report.markdown_path.read_text(encoding="utf-8")
    assert workflow_run.report.pdf_path.read_bytes().startswith(PDF_MAGIC)
    assert "did not run" not in text and "Run:** complete" in text
    for group, name in state["section_names"].items():
        assert f"| {group} | {name} |" in text
    rounds = state["rounds"]
    if len(rounds) > 1:
        assert "| Round | Column | Beam | Brace | Verdict |" in text
        for design_round in rounds:
            cells = " | ".join(design_round.sections[g] for g in ("column", "beam", "brace"))
            assert f"| {design_round.round} | {cells} | {design_round.verdict} |" in text
    else:
        assert "One design round: no redesign." in text

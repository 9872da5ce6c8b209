"""The MASSE engineer's report: a full state of the sample rack (built with the rack step functions, no graph) and
a partial one rendered to Markdown, PDF and PNG figures; the figures' numbers read back from their pure functions."""

from __future__ import annotations

import re

import pytest

from reasonsuite.agents.masse.figures import (
    deformed_figure,
    factored_nodal_loads,
    frame_figure,
    moment_diagram_points,
    moment_figure,
)
from reasonsuite.agents.masse.report import latin1, missing_stages, render_report
from reasonsuite.agents.masse.state import DesignRound, Extraction, MasseState, TraceEvent
from reasonsuite.data import load_rack_problems
from reasonsuite.tools.structural.frame import analyse_frame
from reasonsuite.tools.structural.frame_model import (
    FrameInput,
    FrameMember,
    FrameNode,
    LoadCase,
    LoadCombination,
    MemberDistributedLoad,
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
from reasonsuite.tools.structural.rack_problem import ChannelIn

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PDF_MAGIC = b"%PDF-"


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
    round_0 = DesignRound(
        round=0, post=problem.column, brace=problem.brace_section, post_name="U 2.795x3.079x0.0787",
        brace_name="U 1x1x0.054", verdict=checks.verdict, max_utilisation=governing.utilisation,
        governing=f"{governing.member} ({governing.combination})",
    )  # fmt: skip
    heavier = ChannelIn(width_in=1.5, depth_in=1.5, thickness_in=0.075)
    round_1 = round_0.model_copy(
        update={"round": 1, "brace": heavier, "brace_name": "U 1.5x1.5x0.075", "proposal_reason": "braces buckle"}
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
        post_section=post,
        brace_section=brace,
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
    for figure in ("frame.png", "deformed.png", "axial.png", "moment.png"):
        assert f"]({figure})" in markdown
    assert "U 1.5x1.5x0.075" in markdown and "braces buckle" in markdown  # the second design round
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
    keys = (
        "problem",
        "basis",
        "hazard",
        "loads",
        "base_shear",
        "combinations",
        "post_section",
        "brace_section",
        "frame",
    )
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
    for draw in (frame_figure, deformed_figure, moment_figure):
        assert draw(frame, result, tmp_path / f"{draw.__name__}.png").read_bytes().startswith(PNG_MAGIC)


def test_pdf_text_is_latin1() -> None:
    assert latin1("Cf/Cr ≤ 1, φ = 0.9, √x → mm² …") == "Cf/Cr <= 1, phi = 0.9, sqrtx -> mm^2 ..."
    assert latin1("× °").encode("latin-1")

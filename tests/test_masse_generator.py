"""The generated MASSE-style rack problems: deterministic, in MASSE's template, and answered by rack_check."""

from __future__ import annotations

import hashlib
import re

import pytest

from reasonsuite.agents.masse.extraction import ungrounded_numbers
from reasonsuite.agents.masse.frame_reader import read_by_rules as read_frame
from reasonsuite.agents.masse.rack_reader import read_by_rules
from reasonsuite.data import load_rack_problems, problem_description
from reasonsuite.data.frame_generator import FRAMES_FILE, generate_frame_problems, load_frame_problems
from reasonsuite.data.masse_generator import (
    GENERATED_DIR,
    GENERATED_FILE,
    brace_heights_ft,
    brace_pattern,
    describe,
    draw_problems,
    generate_rack_problems,
    load_generated_problems,
    to_jsonl,
    write_generated_set,
)
from reasonsuite.tools import get_tool
from reasonsuite.tools.structural.hazard import SeismicHazardInput, load_table_c3, seismic_hazard

LB_TO_KN = 4.4482216152605e-3
FT_TO_M = 0.3048
CHECKED_PREFIX = 15
"""Generating all 120 (one rack_check each) takes ~35 s on a busy core, so the file's first 15 lines are re-made."""


@pytest.fixture(scope="module")
def shipped():
    return load_generated_problems()


def test_describe_reproduces_the_masse_sample_text() -> None:
    sample = load_rack_problems()["1"]
    assert describe(sample, beam_z_size_in=4) == problem_description("1")
    pattern = [[(b.start.x_ft, b.start.y_ft), (b.end.x_ft, b.end.y_ft)] for b in sample.braces]
    assert brace_pattern(3.5, 16.0) == pattern


def test_brace_pattern_shape() -> None:
    assert brace_heights_ft(16.0) == [0.5, 3.0, 5.5, 8.0, 10.5, 13.0, 15.5]
    assert brace_heights_ft(5.5) == [0.5, 2.5, 5.0]  # 4.5 ft rise: two panels, the node rounded to 0.5 ft
    braces = brace_pattern(4.0, 12.0)
    assert braces[0] == [(0.0, 0.5), (4.0, 0.5)] and braces[-1] == [(4.0, 11.5), (0.0, 11.5)]
    assert all(start[0] != end[0] for start, end in braces[1:-1])  # diagonals cross the frame


def test_same_seed_same_jsonl_and_other_seed_differs() -> None:
    first, again = to_jsonl(generate_rack_problems(2, seed=7)), to_jsonl(generate_rack_problems(2, seed=7))
    assert first == again
    assert draw_problems(120) == draw_problems(120) and draw_problems(5, seed=8) != draw_problems(5, seed=7)
    assert draw_problems(120)[:5] == draw_problems(5)  # a shorter run is a prefix of a longer one


def test_shipped_problems_and_descriptions_equal_a_fresh_draw(shipped) -> None:
    drawn = draw_problems(120, seed=2026)
    assert [(g.problem, g.description) for g in shipped] == drawn
    assert [g.id for g in shipped] == [f"gen-{i:03d}" for i in range(1, 121)]


def test_shipped_file_prefix_equals_a_fresh_generation() -> None:
    lines = GENERATED_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 120
    assert "".join(lines[:CHECKED_PREFIX]) == to_jsonl(generate_rack_problems(CHECKED_PREFIX, seed=2026))


def test_provenance_records_the_file_hash_and_split(shipped) -> None:
    provenance = (GENERATED_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    recorded = re.search(r"\| problems\.jsonl \| 120 \| 2026 \| ([0-9a-f]{64}) \|", provenance)
    assert recorded and recorded.group(1) == hashlib.sha256(GENERATED_FILE.read_bytes()).hexdigest()
    adequate = sum(g.expected.verdict == "ADEQUATE" for g in shipped)
    assert f"{adequate} ADEQUATE, {120 - adequate} INADEQUATE" in provenance


def test_every_description_reads_back_with_no_ungrounded_number(shipped) -> None:
    for generated in shipped:
        assert read_by_rules(generated.description, problem_id=generated.id) == generated.problem, generated.id
        assert ungrounded_numbers(generated.problem, generated.description) == [], generated.id


def test_every_table_location_survives_the_text_and_the_hazard_lookup() -> None:
    sample = load_rack_problems()["1"]
    for name in load_table_c3():  # periods ("Fort St. John"), '&' and parentheses included
        problem = sample.model_copy(update={"location": name})
        read = read_by_rules(describe(problem, 4), problem_id="1").location
        assert read == name and seismic_hazard(SeismicHazardInput(location=read)).location == name


def test_variety_and_both_verdicts(shipped) -> None:
    problems = [g.problem for g in shipped]
    assert len({p.location for p in problems}) >= 20
    assert {p.bays for p in problems} == {1, 2, 3, 4}
    assert {p.pallets_per_beam for p in problems} == {1, 2, 3}
    assert {len(p.level_elevations_ft) for p in problems} == {2, 3, 4, 5, 6}
    adequate = sum(g.expected.verdict == "ADEQUATE" for g in shipped) / len(shipped)
    assert 0.35 <= adequate <= 0.65
    for p in problems:
        assert 0.5 <= p.level_elevations_ft[0] <= 5 and 2 <= p.frame_height_ft - p.level_elevations_ft[-1] <= 4
        assert all(3 <= b - a <= 6 for a, b in zip(p.level_elevations_ft, p.level_elevations_ft[1:], strict=False))
        assert all(250 <= w <= 2500 and w % 50 == 0 for w in p.pallet_weights_lb)
        assert 3 <= p.frame_width_ft <= 4.5 and 6 <= p.beam_length_ft <= 12


def test_expected_closed_forms_on_every_problem(shipped) -> None:
    table = load_table_c3()
    for g in shipped:
        p, e = g.problem, g.expected
        assert (e.Sa_0_2_g, e.Sa_0_5_g) == (table[e.table_location]["Sa_0_2"], table[e.table_location]["Sa_0_5"])
        # An interior frame (2+ bays) carries one bay's pallets per level, the end frame of a 1-bay rack half of them.
        share = 1.0 if p.bays > 1 else 0.5
        assert e.W_kN == pytest.approx(share * p.pallets_per_beam * sum(p.pallet_weights_lb) * LB_TO_KN, rel=1e-5)
        assert e.Ta_s == pytest.approx(0.025 * p.level_elevations_ft[-1] * FT_TO_M, rel=1e-5)  # braced frame
        assert sum(e.Fx_kN) == pytest.approx(e.V_kN, rel=1e-5) and len(e.Fx_kN) == len(p.level_elevations_ft)
        assert e.governing_member in e.equally_governing_members
        assert (e.verdict == "ADEQUATE") == (e.max_utilisation <= 1.0)


# INADEQUATE (post), ADEQUATE (11 tied braces), ADEQUATE (post, gravity), INADEQUATE (1 bay: end frame)
@pytest.mark.parametrize("index", [0, 3, 14, 19])
def test_expected_equals_rack_check(shipped, index: int) -> None:
    generated = shipped[index]
    result = get_tool("rack_check").run({"problem": generated.problem.model_dump()})  # stored to 6 digits: rel 1e-5
    e = generated.expected
    assert e.table_location == result.hazard.location and e.verdict == result.verdict
    assert e.Ta_s == pytest.approx(result.base_shear.Ta_s, rel=1e-5)
    assert e.W_kN == pytest.approx(result.base_shear.W_kN, rel=1e-5)
    assert e.V_kN == pytest.approx(result.base_shear.V_kN, rel=1e-5)
    assert e.Fx_kN == pytest.approx([level.seismic_force_kN for level in result.level_loads], rel=1e-5)
    assert e.max_utilisation == pytest.approx(result.max_utilisation, rel=1e-5)
    # rack_check's own pick among tied members is one of the equally governing ones.
    assert result.governing_member.split(" (")[0] in e.equally_governing_members
    forces = next(r for r in result.analysis.results if r.name == e.governing_combination).members
    brace_axial = max(max(f.max_tension_kN, f.max_compression_kN) for f in forces if f.member.startswith("brace"))
    post_axial = max(max(f.max_tension_kN, f.max_compression_kN) for f in forces if "post" in f.member)
    assert (e.max_brace_axial_kN, e.max_post_axial_kN) == pytest.approx((brace_axial, post_axial), rel=1e-5)
    governing = next(c for c in result.checks.members if c.name == f"{e.governing_member} | {e.governing_combination}")
    assert governing.utilisation == pytest.approx(result.max_utilisation, rel=1e-9)


def test_write_generated_set_is_atomic_and_loadable(tmp_path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text("old\n", encoding="utf-8")
    written = write_generated_set(path, count=2, seed=3)
    assert path.read_text(encoding="utf-8") == to_jsonl(written)
    assert load_generated_problems(path) == written
    assert [p.name for p in tmp_path.iterdir()] == ["set.jsonl"]  # no temporary file left behind


# --- steel frames -------------------------------------------------------------------------------------------------


def test_the_shipped_steel_frames_equal_a_fresh_generation_and_read_back() -> None:
    shipped = load_frame_problems()
    assert to_jsonl(shipped) == FRAMES_FILE.read_text(encoding="utf-8")
    assert to_jsonl(generate_frame_problems(len(shipped))) == to_jsonl(shipped)
    assert all(read_frame(g.description, g.id) == g.problem for g in shipped)
    assert all(ungrounded_numbers(g.problem, g.description) == [] for g in shipped)
    verdicts = {g.expected.verdict for g in shipped}
    systems = {g.problem.lateral_system for g in shipped}
    assert verdicts == {"ADEQUATE", "INADEQUATE"} and systems == {"braced", "moment"}
    provenance = (GENERATED_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    recorded = re.search(r"\| steel_frames\.jsonl \| 40 \| 2026 \| ([0-9a-f]{64}) \|", provenance)
    assert recorded and recorded.group(1) == hashlib.sha256(FRAMES_FILE.read_bytes()).hexdigest()


def test_a_frame_expected_answer_is_the_steel_frame_check() -> None:
    generated = load_frame_problems()[0]
    result = get_tool("steel_frame_check").run({"problem": generated.problem.model_dump()})
    e = generated.expected
    assert e.verdict == result.verdict and e.V_kN == pytest.approx(result.base_shear.V_kN, rel=1e-5)
    assert e.W_kN == pytest.approx(result.loads.seismic_weight_kN, rel=1e-5)
    assert e.governing_member in e.equally_governing_members

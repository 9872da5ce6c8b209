"""The MASSE roles, one node function each: read what the role needs from the state, call its tools, return updates.

Analyst team: Loading, Seismic, Dynamic (period and base shear), Structural-analysis agents. Engineer team: Design,
Modelling, Verification agents. Management: Project Manager (reads the problem in) and Safety Manager (signs off or
sends the design back). Every number a role adds comes from a tool; in llm mode the model only reads the problem,
chooses redesigns from the catalogue and words the sign-off, and each of its answers is validated before use.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from langgraph.config import get_stream_writer
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, Field, create_model

from reasonsuite.llm import StructuredOutputError
from reasonsuite.tools.registry import ToolInputError
from reasonsuite.tools.structural.frame import analyse_frame
from reasonsuite.tools.structural.hazard import SeismicHazardInput, seismic_hazard

from . import prompts
from .configuration import MasseContext
from .extraction import DEFAULTS, ExtractionError
from .reading import ModelReadingError, read_in_parts
from .state import DesignRound, Extraction, MasseState, RedesignProposal, TraceEvent
from .structures import STRUCTURES, Structure, kind_of_text, structure_of

T = TypeVar("T")


class SignOff(BaseModel):
    """The Safety Manager's note (llm mode); the verdict itself is the tools', not the model's."""

    note: str


def _emit(event: TraceEvent) -> TraceEvent:
    """Stream the event to whoever watches the run (UI, API, CLI progress), then keep it in the trace."""
    try:
        get_stream_writer()(event.model_dump())
    except RuntimeError:  # not inside a streaming run (a node called directly)
        pass
    return event


# The tools each role may call (docs/masse.md's table of roles). The managers call none: the Project Manager only
# reads the problem (with the model in llm mode) and the Safety Manager signs off the tools' verdict.
ROLE_TOOLS: dict[str, frozenset[str]] = {
    "loading_agent": frozenset({"storage_rack_loads", "steel_frame_loads"}),
    "seismic_agent": frozenset({"seismic_hazard"}),
    "dynamic_agent": frozenset({"seismic_base_shear"}),
    "design_agent": frozenset({"section_properties"}),
    "modelling_agent": frozenset({"load_combinations"}),
    "structural_analysis_agent": frozenset({"frame_analysis"}),
    "verification_agent": frozenset({"member_checks"}),
}


class RoleToolError(RuntimeError):
    """A role asked for a tool it does not own: a wiring mistake, refused before the tool runs."""


def _tool(
    role: str, name: str, call: Callable[[], T], arguments: str, summary: Callable[[T], str]
) -> tuple[T, TraceEvent]:
    """Run one tool step of ``role``, timed, and record it as a trace event (streamed as it happens)."""
    if name not in ROLE_TOOLS.get(role, frozenset()):
        raise RoleToolError(f"{role} may not call {name}; its tools: {', '.join(sorted(ROLE_TOOLS.get(role, ())))}")
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    return result, _emit(TraceEvent(role=role, kind="tool", name=name, detail=f"{arguments} → {summary(result)}",
                                    seconds=seconds))  # fmt: skip


def _failed(role: str, message: str) -> dict[str, Any]:
    return {"failure": f"{role}: {message}", "trace": [_emit(TraceEvent(role=role, kind="decision", name="stop",
                                                                        detail=message))]}  # fmt: skip


# --- Management: Project Manager --------------------------------------------------------------------------------------


def _ask_person(role: str, missing: list[str], found: dict[str, Any], why: str) -> tuple[dict[str, Any], TraceEvent]:
    """Pause the run (LangGraph interrupt) until a person supplies the missing values as a JSON object."""
    answer = interrupt(
        {
            "role": role,
            "question": f"The problem text does not state {', '.join(missing)} ({why}). Supply them.",
            "missing": missing,
            "known": found,
        }
    )
    if not isinstance(answer, dict):
        raise ExtractionError(missing, "the answer to the question must be a JSON object of field values", found)
    event = _emit(TraceEvent(role=role, kind="human", name="supplied values", detail=", ".join(sorted(answer))))
    return {**found, **answer}, event


def _read_with_llm(context: MasseContext, text: str, role: str) -> tuple[Any, int, list[TraceEvent]]:
    """The structure type (by the wording, else the model), then the model reads the text part by part into it."""
    llm = context.require_llm()
    events: list[TraceEvent] = []
    kind, how = kind_of_text(text), "by its wording"
    if kind is None:
        kind_schema = create_model("StructureKind", structure=(Literal[tuple(STRUCTURES)], ...))  # type: ignore[valid-type]
        try:
            kind, how = llm.structured(prompts.READ_KIND.format(problem=text), kind_schema).structure, "by the model"
        except StructuredOutputError as err:
            raise ModelReadingError(f"the model did not name the structure type: {err.errors[-1]}") from None
    structure = STRUCTURES[kind]
    events.append(_emit(TraceEvent(role=role, kind="llm", name="structure type", detail=f"{structure.title} ({how})")))

    def record(part: str, round_number: int, outcome: str, seconds: float) -> None:
        events.append(_emit(TraceEvent(role=role, kind="llm", name=f"read {part}",
                                       detail=f"round {round_number}: {outcome[:300]}", seconds=seconds)))  # fmt: skip

    try:
        problem, rounds = read_in_parts(llm, text, structure.reading_parts, structure.complete,
                                        context.config.llm_attempts, on_answer=record)  # fmt: skip
    except ModelReadingError as err:
        err.kind, err.events = kind, events
        raise
    return problem, rounds, events


def _read_problem(state: MasseState, context: MasseContext, role: str) -> tuple[Any, str, int, list[TraceEvent]]:
    """The problem from the text: by rules (deterministic) or the model (llm), a person filling what is missing."""
    config, text = context.config, state.get("problem_text", "")
    if config.mode == "deterministic":
        structure = STRUCTURES[kind_of_text(text) or "rack"]
        try:
            return structure.read_by_rules(text, state.get("problem_id", "")), "rules", 0, []
        except ExtractionError as err:
            if config.on_missing != "interrupt":
                raise
            values, event = _ask_person(role, err.missing, err.found, str(err))
            return structure.complete(values), "human", 0, [event]
    started = time.perf_counter()
    try:
        problem, attempts, events = _read_with_llm(context, text, role)
        source = "llm"
    except ModelReadingError as err:
        if not err.unread or config.on_missing != "interrupt":
            raise
        values, event = _ask_person(role, err.unread, err.answer, "the model could not read them from the text")
        problem, source, attempts, events = STRUCTURES[err.kind].complete(values), "human", config.llm_attempts, [event]
    problem = problem.model_copy(update={"problem_id": state.get("problem_id", problem.problem_id)})
    events.append(_emit(TraceEvent(role=role, kind="llm", name="read the problem",
                                   detail=f"{attempts} round(s); source of the numbers: {source}",
                                   seconds=time.perf_counter() - started)))  # fmt: skip
    return problem, source, attempts, events


def project_manager(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Read the problem into its schema (rules or model), ask a person for what the text lacks, or stop."""
    role, context = "project_manager", runtime.context
    problem = state.get("problem")
    if problem is not None:
        structure = structure_of(problem)
        return {"basis": structure.basis_of(context.config), "extraction": Extraction(source="structured"),
                "trace": [_emit(TraceEvent(role=role, kind="decision", name="structured problem",
                                           detail=f"the problem came as a {structure.title}"))]}  # fmt: skip
    if not state.get("problem_text", "").strip():
        return _failed(role, "no problem was given (empty text)")
    try:
        problem, source, attempts, events = _read_problem(state, context, role)
    except ExtractionError as err:
        return _failed(role, f"{err}; give the problem as structured JSON or state these values in the text")
    except ModelReadingError as err:
        failed = _failed(role, f"the model could not read the problem: {err}")
        return {**failed, "trace": [*err.events, *failed["trace"]]}
    structure = structure_of(problem)
    defaults = [field for field in DEFAULTS if field in type(problem).model_fields
                and field not in problem.model_fields_set]  # fmt: skip
    supplied = [e.detail for e in events if e.kind == "human"]
    return {
        "problem": problem,
        "basis": structure.basis_of(context.config),
        "extraction": Extraction(source=source, defaults_used=defaults, supplied_by_human=supplied,
                                 llm_attempts=attempts),
        "trace": [*events, _emit(TraceEvent(role=role, kind="decision", name="problem read",
                                            detail=f"{structure.title}: {structure.summary(problem)} ({source})"))],
    }  # fmt: skip


# --- Analyst team -----------------------------------------------------------------------------------------------------


def loading_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Gravity loads and seismic weight of the frame (storage_rack_loads for a rack, roof loads for a steel frame)."""
    problem, basis = state["problem"], state["basis"]
    structure = structure_of(problem)
    loads, event = _tool(
        "loading_agent", structure.loads_tool, lambda: structure.loads(problem, basis), structure.summary(problem),
        structure.describe_loads,
    )  # fmt: skip
    return {"loads": loads, "trace": [event]}


def seismic_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Seismic hazard of the site from BCBC 2018 Table C-3 (seismic_hazard)."""
    location = state["problem"].location
    try:
        hazard, event = _tool(
            "seismic_agent", "seismic_hazard", lambda: seismic_hazard(SeismicHazardInput(location=location)),
            f"location={location!r}", lambda out: f"Sa(0.2)={out.Sa_0_2} g, Sa(0.5)={out.Sa_0_5} g, PGA={out.PGA} g",
        )  # fmt: skip
    except ToolInputError as err:
        return _failed("seismic_agent", str(err))
    return {"hazard": hazard, "trace": [event]}


def dynamic_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Fundamental period, base shear and its distribution over the levels (seismic_base_shear, NBC 4.1.8.11)."""
    problem = state["problem"]
    structure = structure_of(problem)
    base_shear, event = _tool(
        "dynamic_agent", "seismic_base_shear",
        lambda: structure.base_shear(state["hazard"], state["loads"], problem, state["basis"]),
        structure.lateral_system(problem), lambda out: f"Ta={out.Ta_s:.3f} s, V={out.V_kN:.3g} kN ({out.governing})",
    )  # fmt: skip
    return {"base_shear": base_shear, "trace": [event]}


def structural_analysis_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Linear-elastic analysis of the frame under every combination (frame_analysis)."""
    frame = state["frame"]
    try:
        analysis, event = _tool(
            "structural_analysis_agent", "frame_analysis", lambda: analyse_frame(frame),
            f"{len(frame.nodes)} nodes, {len(frame.members)} members, {len(frame.combinations or [])} combinations",
            lambda out: f"largest sway {max(r.summary.max_abs_ux_mm for r in out.results):.3g} mm",
        )  # fmt: skip
    except ToolInputError as err:
        return _failed("structural_analysis_agent", str(err))
    return {"analysis": analysis, "trace": [event]}


# --- Engineer team ----------------------------------------------------------------------------------------------------


def _names(names: dict[str, str]) -> str:
    return ", ".join(f"{group} {name}" for group, name in names.items())


def design_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Section properties of the members of this round (the problem's, or the accepted proposal's)."""
    problem = state.get("design", state["problem"])
    structure = structure_of(problem)
    proposal = state.get("proposal")
    if proposal is not None:
        problem = structure.with_sections(problem, proposal.sections)
    names = structure.section_names(problem)
    sections, event = _tool(
        "design_agent", "section_properties", lambda: structure.sections(problem), _names(names),
        lambda out: ", ".join(f"{group} A={section.area_mm2:.0f} mm²" for group, section in out.items()),
    )  # fmt: skip
    return {"design": problem, "sections": sections, "section_names": names, "trace": [event]}


def modelling_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """The analysis model: frame geometry, sections, load cases and the NBC combinations."""
    problem, basis = state["design"], state["basis"]
    structure = structure_of(problem)
    events = []
    combinations = state.get("combinations")
    if combinations is None:  # the loads do not change between design rounds, nor do their combinations
        combinations, combo_event = _tool(
            "modelling_agent", "load_combinations", structure.combinations, "NBC 2015 Table 4.1.3.2.-A",
            lambda out: f"{len(out)} ULS combinations",
        )  # fmt: skip
        events.append(combo_event)
    frame = structure.build_frame(problem, basis, state["sections"], state["loads"], state["base_shear"], combinations)
    events.append(
        _emit(
            TraceEvent(
                role="modelling_agent",
                kind="decision",
                name="frame model",
                detail=f"{len(frame.nodes)} nodes, {len(frame.members)} members, "
                f"load cases {', '.join(case.name for case in frame.load_cases)}",
            )
        )
    )
    return {"combinations": combinations, "frame": frame, "trace": events}


def verification_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """CSA S16 checks of every member in every combination (member_checks), and the round's record."""
    problem = state["design"]
    structure = structure_of(problem)
    (checks, members), event = _tool(
        "verification_agent", "member_checks",
        lambda: structure.check_members(problem, state["basis"], state["frame"], state["analysis"], state["sections"]),
        f"{len(state['frame'].members)} members × {len(state['analysis'].results)} combinations",
        lambda out: f"{out[0].verdict}, max utilisation {out[0].max_utilisation:.2f} ({out[0].governing_member})",
    )  # fmt: skip
    governing = max(members, key=lambda m: m.utilisation)
    proposal = state.get("proposal")
    record = DesignRound(
        round=len(state.get("rounds", [])), sections=state["section_names"], verdict=checks.verdict,
        max_utilisation=governing.utilisation, governing=f"{governing.member} ({governing.combination})",
        proposal_reason=proposal.reason if proposal else "",
    )  # fmt: skip
    return {"checks": checks, "members": members, "verdict": checks.verdict, "rounds": [record], "trace": [event]}


def _failing_groups(state: MasseState) -> list[str]:
    """The member groups (post, brace, column, beam) with a failing member, in the catalogue's order."""
    failing = {member.role for member in state["members"] if member.status == "INADEQUATE"}
    return [group for group in structure_of(state["design"]).catalogue if group in failing]


def _group_utilisation(state: MasseState, problem: Any, group: str) -> float:
    """The largest utilisation of a member group if `problem`'s sections carried this round's member forces."""
    structure = structure_of(problem)
    _, members = structure.check_members(
        problem, state["basis"], state["frame"], state["analysis"], structure.sections(problem)
    )
    return max(member.utilisation for member in members if member.role == group)


def _next_by_rules(state: MasseState) -> RedesignProposal | str:
    """For each failing member group, the lightest heavier catalogue section that passes under this round's forces.

    Candidates are checked with the member-check tool against the current analysis (the next round re-analyses with
    the new stiffnesses); when none passes, the candidate with the lowest utilisation is taken. A string says why no
    proposal is possible.
    """
    problem = state["design"]
    structure, failing = structure_of(problem), _failing_groups(state)
    choice: dict[str, str] = {}
    for group in failing:
        heavier = structure.heavier(problem, group)
        if not heavier:
            return f"no heavier {group} in the catalogue than {structure.section_names(problem)[group]}"
        scored = [(_group_utilisation(state, structure.with_sections(problem, {group: name}), group), name)
                  for name in heavier]  # fmt: skip
        passing = [name for utilisation, name in scored if utilisation <= 1.0]
        choice[group] = passing[0] if passing else min(scored)[1]
    groups = " and ".join(f"{group}s" for group in failing)
    return RedesignProposal(
        sections=choice, reason=f"the lightest heavier catalogue sections for the failing {groups} that pass the "
        "member checks under this round's forces",
    )  # fmt: skip


def _proposal_problem(state: MasseState, proposal: RedesignProposal) -> str | None:
    """Why a proposal is not acceptable, or None: names must be catalogue entries, failing groups must get heavier."""
    problem = state["design"]
    structure = structure_of(problem)
    groups = structure.section_names(problem)
    for group, name in proposal.sections.items():
        if group not in groups:
            return f"this {structure.title} has no {group} group (it has {', '.join(groups)})"
        if name not in structure.catalogue[group]:
            return f"{group} {name!r} is not in the catalogue"
    for group in _failing_groups(state):
        if proposal.sections.get(group) not in structure.heavier(problem, group):
            return f"the {group}s fail, so the proposal must name a {group} heavier than the current one"
    if not proposal.sections:
        return "the proposal changes nothing"
    return None


def _proposal_schema(structure: Structure, groups: list[str]) -> type[BaseModel]:
    """One field per member group, each a Literal of its catalogue, so constrained decoding can only emit real names."""
    fields: dict[str, Any] = {
        group: (Literal[structure.catalogue[group]] | None,  # type: ignore[valid-type]
                Field(default=None, description=f"catalogue {group}, or null to keep the current one"))
        for group in groups
    }  # fmt: skip
    fields["reason"] = (str, Field(default="", max_length=500, description="one sentence: why these sections"))
    return create_model("RedesignProposal", **fields)


def _next_by_llm(state: MasseState, context: MasseContext) -> RedesignProposal | str:
    llm = context.require_llm()
    problem = state["design"]
    structure = structure_of(problem)
    current = structure.section_names(problem)
    failing = [f"{m.member} {m.utilisation:.2f}" for m in state["members"] if m.status == "INADEQUATE"]
    prompt = prompts.REDESIGN.format(
        title=structure.title, current=_names(current), failing=", ".join(failing),
        catalogue="\n".join(f"{group}: {', '.join(structure.catalogue[group])}" for group in current),
    )  # fmt: skip
    schema, reason = _proposal_schema(structure, list(current)), ""
    for _ in range(context.config.llm_attempts):
        try:
            answer = llm.structured(prompt + (f"\n\nYour last answer was rejected: {reason}" if reason else ""), schema)
        except StructuredOutputError as err:
            reason = f"it did not fit the schema ({err.errors[-1]})"
            continue
        chosen = answer.model_dump()
        proposal = RedesignProposal(
            sections={group: chosen[group] for group in current if chosen[group] is not None}, reason=chosen["reason"]
        )
        reason = _proposal_problem(state, proposal) or ""
        if not reason:
            return proposal
    return f"the model proposed no acceptable redesign in {context.config.llm_attempts} attempts (last: {reason})"


def redesign(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Design agent, redesign: choose heavier catalogue sections for the failing member groups."""
    context = runtime.context
    started = time.perf_counter()
    proposal = _next_by_rules(state) if context.config.mode == "deterministic" else _next_by_llm(state, context)
    kind = "decision" if context.config.mode == "deterministic" else "llm"
    if isinstance(proposal, str):
        return {"proposal": None, "trace": [_emit(TraceEvent(role="design_agent", kind=kind, name="no redesign",
                                                             detail=proposal))]}  # fmt: skip
    event = _emit(TraceEvent(role="design_agent", kind=kind, name="redesign",
                             detail=f"{_names(proposal.sections)}: {proposal.reason}",
                             seconds=time.perf_counter() - started))  # fmt: skip
    return {"proposal": proposal, "trace": [event]}


# --- Management: Safety Manager ---------------------------------------------------------------------------------------


def _utilisation_table(state: MasseState) -> str:
    rows = sorted(state["members"], key=lambda m: -m.utilisation)
    return "\n".join(f"{m.member}: {m.utilisation:.2f} {m.status} ({m.combination})" for m in rows)


def safety_manager(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Sign off the tools' verdict with the utilisation table (after a person's approval when configured)."""
    context = runtime.context
    verdict, checks, rounds = state["verdict"], state["checks"], state["rounds"]
    title = structure_of(state["design"]).title
    note = (f"{verdict}: largest utilisation {checks.max_utilisation:.2f} in {checks.governing_member}; "
            f"{len(state['members'])} members checked to CSA S16-14.")  # fmt: skip
    if len(rounds) > 1:
        first, last = rounds[0], rounds[-1]
        note = (f"The design as given is {first.verdict} (utilisation {first.max_utilisation:.2f}, {first.governing}). "
                f"After {len(rounds) - 1} redesign round(s) with {_names(last.sections)} it is {note}")  # fmt: skip
    events = []
    if context.config.mode == "llm":
        prompt = prompts.SIGN_OFF.format(
            title=title,
            verdict=verdict,
            utilisation=checks.max_utilisation,
            governing=checks.governing_member,
            table=_utilisation_table(state),
        )
        try:
            note = f"{note} {context.require_llm().structured(prompt, SignOff).note.strip()}"  # fmt: skip
            events.append(_emit(TraceEvent(role="safety_manager", kind="llm", name="sign-off note", detail=note)))
        except StructuredOutputError as err:
            events.append(_emit(TraceEvent(role="safety_manager", kind="llm", name="sign-off note failed",
                                           detail=str(err)[:200])))  # fmt: skip
    signed_off = True
    if context.config.require_approval:
        answer = interrupt({"role": "safety_manager", "question": f"Approve the sign-off? {note}",
                            "verdict": verdict, "table": _utilisation_table(state)})  # fmt: skip
        approved = isinstance(answer, dict) and answer.get("approve") is True
        signed_off = approved
        comment = answer.get("note", "") if isinstance(answer, dict) else ""
        events.append(
            _emit(
                TraceEvent(
                    role="safety_manager",
                    kind="human",
                    name="approval",
                    detail=f"{'approved' if approved else 'not approved'} {comment}".strip(),
                )
            )
        )
        if comment:
            note = f"{note} Reviewer: {comment}"
    events.append(_emit(TraceEvent(role="safety_manager", kind="decision", name="sign-off",
                                   detail=f"{verdict}, signed off: {signed_off}")))  # fmt: skip
    return {"signed_off": signed_off, "sign_off_note": note, "trace": events}

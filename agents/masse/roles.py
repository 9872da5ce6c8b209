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
from reasonsuite.tools.structural.rack import (
    build_side_frame,
    check_rack_members,
    rack_base_shear,
    rack_combinations,
    rack_loads,
    rack_sections,
)
from reasonsuite.tools.structural.rack_problem import RackProblem

from . import catalogue, prompts
from .configuration import MasseContext
from .extraction import ExtractionError, complete_problem, read_by_rules, ungrounded_numbers
from .state import DesignRound, Extraction, MasseState, RedesignProposal, TraceEvent

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


def _tool(
    role: str, name: str, call: Callable[[], T], arguments: str, summary: Callable[[T], str]
) -> tuple[T, TraceEvent]:
    """Run one tool step, timed, and record it as a trace event (streamed as it happens)."""
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


EXTRACTION_TOKENS = 1536
"""Token budget of the model's RackProblem JSON: a sample problem takes ~700 tokens; the default 512 cuts it off."""


class ModelReadingError(ValueError):
    """The model did not turn the text into a valid, text-grounded RackProblem within its attempts.

    When the answer was valid but stated numbers the text lacks, `ungrounded` names those fields and `answer` holds
    the rest, so a person can be asked for just those values.
    """

    def __init__(self, message: str, ungrounded: list[str] | None = None, answer: dict[str, Any] | None = None):
        super().__init__(message)
        self.ungrounded = ungrounded or []
        self.answer = answer or {}


def _read_with_llm(context: MasseContext, text: str) -> tuple[RackProblem, int]:
    """The model reads the text into a RackProblem; an answer with numbers the text lacks is sent back, boundedly.

    Schema failures are already retried inside `structured` (the backend's bounded policy), so one here ends the
    reading; grounding failures are sent back with the offending fields, up to `llm_attempts` answers in all.
    """
    llm = context.require_llm()
    params = llm.default_params.model_copy(update={"max_new_tokens": EXTRACTION_TOKENS})
    feedback, attempts = "", context.config.llm_attempts
    for attempt in range(1, attempts + 1):
        prompt = prompts.EXTRACT_PROBLEM.format(problem=text, feedback=feedback)
        try:
            problem = llm.structured(prompt, RackProblem, params)
        except StructuredOutputError as err:
            raise ModelReadingError(f"the model's answer never fit the schema: {err.errors[-1]}") from None
        ungrounded = ungrounded_numbers(problem, text)
        if not ungrounded:
            return problem, attempt
        feedback = prompts.EXTRACT_FEEDBACK.format(ungrounded=", ".join(ungrounded))
    fields = sorted({item.split(" = ")[0].split(".")[0] for item in ungrounded})
    answer = {key: value for key, value in problem.model_dump().items() if key not in fields}
    raise ModelReadingError(
        f"after {attempts} answers it still stated numbers the text does not: {', '.join(ungrounded)}", fields, answer
    )


def project_manager(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Read the problem into the schema (rules or model), ask a person for what the text lacks, or stop."""
    role, context = "project_manager", runtime.context
    config = context.config
    if state.get("problem") is not None:
        return {"basis": config.basis, "extraction": Extraction(source="structured"),
                "trace": [_emit(TraceEvent(role=role, kind="decision", name="structured problem",
                                           detail="the problem came as a RackProblem"))]}  # fmt: skip
    text = state.get("problem_text", "")
    if not text.strip():
        return _failed(role, "no problem was given (empty text)")
    events: list[TraceEvent] = []
    attempts = 0
    try:
        if config.mode == "deterministic":
            try:
                problem = read_by_rules(text, state.get("problem_id", ""))
                source = "rules"
            except ExtractionError as err:
                if config.on_missing != "interrupt":
                    raise
                values, event = _ask_person(role, err.missing, err.found, str(err))
                events.append(event)
                problem, source = complete_problem(values), "human"
        else:
            started = time.perf_counter()
            try:
                problem, attempts = _read_with_llm(context, text)
                source = "llm"
            except ModelReadingError as err:
                if not err.ungrounded or config.on_missing != "interrupt":
                    raise
                values, event = _ask_person(role, err.ungrounded, err.answer, "the model's values are not in the text")
                events.append(event)
                problem, source, attempts = complete_problem(values), "human", config.llm_attempts
            problem = problem.model_copy(update={"problem_id": state.get("problem_id", problem.problem_id)})
            events.append(_emit(TraceEvent(role=role, kind="llm", name="read the problem",
                                           detail=f"{attempts} attempt(s); source of the numbers: {source}",
                                           seconds=time.perf_counter() - started)))  # fmt: skip
    except ExtractionError as err:
        return _failed(role, f"{err}; give the problem as structured JSON or state these values in the text")
    except ModelReadingError as err:
        return _failed(role, f"the model could not read the problem: {err}")
    defaults = [field for field in ("E_ksi",) if field not in problem.model_fields_set]
    supplied = [e.detail for e in events if e.kind == "human"]
    return {
        "problem": problem,
        "basis": config.basis,
        "extraction": Extraction(source=source, defaults_used=defaults, supplied_by_human=supplied,
                                 llm_attempts=attempts),
        "trace": [*events, _emit(TraceEvent(role=role, kind="decision", name="problem read",
                                            detail=f"{problem.location}, {problem.bays} bays, "
                                                   f"{len(problem.level_elevations_ft)} levels ({source})"))],
    }  # fmt: skip


# --- Analyst team -----------------------------------------------------------------------------------------------------


def loading_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Pallet loads per level on the most loaded frame (storage_rack_loads)."""
    problem, basis = state["problem"], state["basis"]
    loads, event = _tool(
        "loading_agent", "storage_rack_loads", lambda: rack_loads(problem, basis),
        f"{problem.bays} bays × {problem.pallets_per_beam} pallets, {problem.pallet_weights_lb} lb",
        lambda out: f"{out.frame} frame, {out.total_frame_load_kN:.3g} kN in all",
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
    base_shear, event = _tool(
        "dynamic_agent", "seismic_base_shear",
        lambda: rack_base_shear(state["hazard"], state["loads"], state["basis"]),
        "braced frame, site class C", lambda out: f"Ta={out.Ta_s:.3f} s, V={out.V_kN:.3g} kN ({out.governing})",
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


def _apply_proposal(problem: RackProblem, proposal: RedesignProposal) -> RackProblem:
    update = {}
    if proposal.post is not None:
        update["column"] = catalogue.POSTS[proposal.post]
    if proposal.brace is not None:
        update["brace_section"] = catalogue.BRACES[proposal.brace]
    return problem.model_copy(update=update)


def _dims(section) -> str:
    return f"{section.width_in:g}×{section.depth_in:g}×{section.thickness_in:g} in"


def design_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """Section properties of the posts and braces of this round (the problem's, or the accepted proposal's)."""
    problem = state.get("design", state["problem"])
    proposal = state.get("proposal")
    if proposal is not None:
        problem = _apply_proposal(problem, proposal)
    (post, brace), event = _tool(
        "design_agent", "section_properties", lambda: rack_sections(problem),
        f"post {_dims(problem.column)}, brace {_dims(problem.brace_section)}",
        lambda out: f"post A={out[0].area_mm2:.0f} mm², brace r_min={out[1].r_min_mm:.2f} mm",
    )  # fmt: skip
    return {
        "design": problem,
        "post_section": post,
        "brace_section": brace,
        "post_name": catalogue.name_of(problem.column, catalogue.POSTS),
        "brace_name": catalogue.name_of(problem.brace_section, catalogue.BRACES),
        "trace": [event],
    }


def modelling_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """The analysis model: side frame geometry, sections, load cases D, L, E and the NBC combinations."""
    problem, basis, loads, base_shear = state["design"], state["basis"], state["loads"], state["base_shear"]
    events = []
    combinations = state.get("combinations")
    if combinations is None:  # the loads do not change between design rounds, nor do their combinations
        combinations, combo_event = _tool(
            "modelling_agent", "load_combinations", rack_combinations, "D, L (storage), E",
            lambda out: f"{len(out)} ULS combinations",
        )  # fmt: skip
        events.append(combo_event)
    frame = build_side_frame(
        problem, basis, state["post_section"], state["brace_section"],
        [level.frame_load_kN for level in loads.levels], [level.Fx_kN for level in base_shear.levels], combinations,
    )  # fmt: skip
    events.append(_emit(TraceEvent(role="modelling_agent", kind="decision", name="frame model",
                                   detail=f"{len(frame.nodes)} nodes, {len(frame.members)} members, "
                                          f"bases {basis.base_fixity}")))  # fmt: skip
    return {"combinations": combinations, "frame": frame, "trace": events}


def verification_agent(state: MasseState, runtime: Runtime[MasseContext]) -> dict[str, Any]:
    """CSA S16 checks of every member in every combination (member_checks), and the round's record."""
    problem = state["design"]
    (checks, members), event = _tool(
        "verification_agent", "member_checks",
        lambda: check_rack_members(problem, state["basis"], state["frame"], state["analysis"], state["post_section"],
                                   state["brace_section"]),
        f"{len(state['frame'].members)} members × {len(state['analysis'].results)} combinations",
        lambda out: f"{out[0].verdict}, max utilisation {out[0].max_utilisation:.2f} ({out[0].governing_member})",
    )  # fmt: skip
    governing = max(members, key=lambda m: m.utilisation)
    proposal = state.get("proposal")
    record = DesignRound(
        round=len(state.get("rounds", [])), post=problem.column, brace=problem.brace_section,
        post_name=state["post_name"], brace_name=state["brace_name"], verdict=checks.verdict,
        max_utilisation=governing.utilisation, governing=f"{governing.member} ({governing.combination})",
        proposal_reason=proposal.reason if proposal else "",
    )  # fmt: skip
    return {"checks": checks, "members": members, "verdict": checks.verdict, "rounds": [record], "trace": [event]}


def _failing_roles(state: MasseState) -> set[str]:
    return {member.role for member in state["members"] if member.status == "INADEQUATE"}


def _next_by_rules(state: MasseState) -> RedesignProposal | str:
    """One step up the catalogue for each failing member group (posts, braces); a string says why none is left."""
    problem, failing = state["design"], _failing_roles(state)
    choice: dict[str, str | None] = {"post": None, "brace": None}
    for group, current, table in (("post", problem.column, catalogue.POSTS),
                                  ("brace", problem.brace_section, catalogue.BRACES)):  # fmt: skip
        if group in failing:
            heavier = catalogue.heavier_than(current, table)
            if not heavier:
                return f"no heavier {group} in the catalogue than {catalogue.name_of(current, table)}"
            choice[group] = heavier[0]
    groups = " and ".join(f"{group}s" for group in sorted(failing))
    return RedesignProposal(**choice, reason=f"the next heavier catalogue section for the failing {groups}")


def _proposal_problem(state: MasseState, proposal: RedesignProposal) -> str | None:
    """Why a proposal is not acceptable, or None: names must be catalogue entries, failing groups must get heavier."""
    problem, failing = state["design"], _failing_roles(state)
    groups = (("post", proposal.post, problem.column, catalogue.POSTS),
              ("brace", proposal.brace, problem.brace_section, catalogue.BRACES))  # fmt: skip
    for group, name, current, table in groups:
        if name is not None and name not in table:
            return f"{group} {name!r} is not in the catalogue"
        if group in failing and name not in catalogue.heavier_than(current, table):
            return f"the {group}s fail, so the proposal must name a {group} heavier than the current one"
    if proposal.post is None and proposal.brace is None:
        return "the proposal changes nothing"
    return None


def _proposal_schema() -> type[RedesignProposal]:
    """RedesignProposal with the names restricted to the catalogue, so constrained decoding can only emit real ones."""
    post_names = Literal[tuple(catalogue.POSTS)]  # type: ignore[valid-type]
    brace_names = Literal[tuple(catalogue.BRACES)]  # type: ignore[valid-type]
    return create_model(
        "RedesignProposal",
        __base__=RedesignProposal,
        post=(post_names | None, Field(default=None, description="catalogue post, or null to keep the current one")),
        brace=(brace_names | None, Field(default=None, description="catalogue brace, or null to keep the current one")),
    )


def _next_by_llm(state: MasseState, context: MasseContext) -> RedesignProposal | str:
    llm = context.require_llm()
    failing = [f"{m.member} {m.utilisation:.2f}" for m in state["members"] if m.status == "INADEQUATE"]
    prompt = prompts.REDESIGN.format(
        post=state["post_name"], brace=state["brace_name"], failing=", ".join(failing),
        posts=", ".join(catalogue.POSTS), braces=", ".join(catalogue.BRACES),
    )  # fmt: skip
    schema, reason = _proposal_schema(), ""
    for _ in range(context.config.llm_attempts):
        try:
            answer = llm.structured(prompt + (f"\n\nYour last answer was rejected: {reason}" if reason else ""), schema)
        except StructuredOutputError as err:
            reason = f"it did not fit the schema ({err.errors[-1]})"
            continue
        proposal = RedesignProposal.model_validate(answer.model_dump())
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
                             detail=f"post {proposal.post or 'kept'}, brace {proposal.brace or 'kept'}: "
                                    f"{proposal.reason}",
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
    note = (f"{verdict}: largest utilisation {checks.max_utilisation:.2f} in {checks.governing_member}; "
            f"{len(state['members'])} members checked to CSA S16-14.")  # fmt: skip
    if len(rounds) > 1:
        first, last = rounds[0], rounds[-1]
        note = (f"The design as given is {first.verdict} (utilisation {first.max_utilisation:.2f}, {first.governing}). "
                f"After {len(rounds) - 1} redesign round(s) with post {last.post_name} and brace {last.brace_name} "
                f"it is {note}")  # fmt: skip
    events = []
    if context.config.mode == "llm":
        prompt = prompts.SIGN_OFF.format(verdict=verdict, utilisation=checks.max_utilisation,
                                         governing=checks.governing_member, table=_utilisation_table(state))
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
        events.append(_emit(TraceEvent(role="safety_manager", kind="human", name="approval",
                                       detail=f"{'approved' if approved else 'not approved'} {comment}".strip())))
        if comment:
            note = f"{note} Reviewer: {comment}"
    events.append(_emit(TraceEvent(role="safety_manager", kind="decision", name="sign-off",
                                   detail=f"{verdict}, signed off: {signed_off}")))  # fmt: skip
    return {"signed_off": signed_off, "sign_off_note": note, "trace": events}

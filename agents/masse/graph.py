"""The MASSE workflow as a LangGraph graph: read the problem, load, seismic, design, model, analyse, verify, sign off.

    project_manager → loading_agent → seismic_agent → dynamic_agent → design_agent → modelling_agent
        → structural_analysis_agent → verification_agent ─┬─ ADEQUATE, or no rounds left → safety_manager → END
                                                          └─ INADEQUATE → redesign ─┬─ proposal → design_agent …
                                                                                    └─ none left → safety_manager
A role that cannot go on (a problem it cannot read, an unknown site, an unstable frame) records `failure` and the run
ends there; the report shows how far it got.
"""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import get_runtime

from .configuration import MasseContext
from .roles import (
    design_agent,
    dynamic_agent,
    loading_agent,
    modelling_agent,
    project_manager,
    redesign,
    safety_manager,
    seismic_agent,
    structural_analysis_agent,
    verification_agent,
)
from .state import MasseState


def _continue_unless_failed(next_node: str):
    def route(state: MasseState) -> str:
        return END if state.get("failure") else next_node

    route.__name__ = f"to_{next_node}"
    return route


def after_verification(state: MasseState) -> str:
    """Redesign while the frame is inadequate and rounds remain (round 0 is the design as given)."""
    rounds_done = len(state.get("rounds", [])) - 1
    max_rounds = get_runtime(MasseContext).context.config.max_redesign_rounds
    if state["verdict"] == "INADEQUATE" and rounds_done < max_rounds:
        return "redesign"
    return "safety_manager"


def after_redesign(state: MasseState) -> str:
    return "design_agent" if state.get("proposal") is not None else "safety_manager"


def build_graph(checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    """The compiled workflow; with a checkpointer every step is saved and a run can be resumed by its thread id."""
    graph = StateGraph(MasseState, context_schema=MasseContext)
    graph.add_node("project_manager", project_manager)
    graph.add_node("loading_agent", loading_agent)
    graph.add_node("seismic_agent", seismic_agent)
    graph.add_node("dynamic_agent", dynamic_agent)
    graph.add_node("design_agent", design_agent)
    graph.add_node("modelling_agent", modelling_agent)
    graph.add_node("structural_analysis_agent", structural_analysis_agent)
    graph.add_node("verification_agent", verification_agent)
    graph.add_node("redesign", redesign)
    graph.add_node("safety_manager", safety_manager)

    graph.add_edge(START, "project_manager")
    graph.add_conditional_edges("project_manager", _continue_unless_failed("loading_agent"))
    graph.add_edge("loading_agent", "seismic_agent")
    graph.add_conditional_edges("seismic_agent", _continue_unless_failed("dynamic_agent"))
    graph.add_edge("dynamic_agent", "design_agent")
    graph.add_edge("design_agent", "modelling_agent")
    graph.add_edge("modelling_agent", "structural_analysis_agent")
    graph.add_conditional_edges("structural_analysis_agent", _continue_unless_failed("verification_agent"))
    graph.add_conditional_edges("verification_agent", after_verification, ["redesign", "safety_manager"])
    graph.add_conditional_edges("redesign", after_redesign, ["design_agent", "safety_manager"])
    graph.add_edge("safety_manager", END)
    return graph.compile(checkpointer=checkpointer)

"""The economics agent as a LangGraph graph, and the same graph run over a batch of questions.

    route ─┬─ a tool → fill ─┬─ valid, grounded input → call_tool ─┬─ result → map_answer ─┬─ an answer → END
           │                 ├─ rejected, tries left → fill        ├─ refused, tries left → fill
           └─ none ──────────┴─ rejected, no tries left ───────────┴─ refused, none left ─┴─ none → fall_back → END

A step that gives up records `fallback_reason`; `fall_back` then answers by plain step-by-step reasoning. The edges
are plain functions of the state, shared by the per-question graph (`build_graph`) and the batched driver
(`run_batched`), so a question takes the same path either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_type_hints

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from .configuration import EconContext
from .nodes import Update, call_tool, fall_back, fill, map_answer, route
from .state import EconState

BatchNode = Callable[[list[EconState], EconContext], list[Update]]


def after_route(state: EconState) -> str:
    return "fall_back" if state.get("fallback_reason") else "fill"


def after_fill(state: EconState) -> str:
    if state.get("fallback_reason"):
        return "fall_back"
    return "call_tool" if state.get("tool_input") is not None else "fill"


def after_call(state: EconState) -> str:
    if state.get("fallback_reason"):
        return "fall_back"
    return "map_answer" if state.get("tool_output") is not None else "fill"


def after_map(state: EconState) -> str:
    return "fall_back" if state.get("fallback_reason") else END


# The workflow as data, in the order the batched driver runs waiting steps (fall_back last: one batch for all).
NODES: dict[str, BatchNode] = {
    "route": route,
    "fill": fill,
    "call_tool": call_tool,
    "map_answer": map_answer,
    "fall_back": fall_back,
}
EDGES: dict[str, Callable[[EconState], str]] = {
    "route": after_route,
    "fill": after_fill,
    "call_tool": after_call,
    "map_answer": after_map,
    "fall_back": lambda state: END,
}
TARGETS: dict[str, list[str]] = {
    "route": ["fill", "fall_back"],
    "fill": ["call_tool", "fill", "fall_back"],
    "call_tool": ["map_answer", "fill", "fall_back"],
    "map_answer": ["fall_back", END],
}


def _one_at_a_time(name: str, batched: BatchNode) -> Callable[..., Update]:
    def node(state: EconState, runtime: Runtime[EconContext]) -> Update:
        return batched([state], runtime.context)[0]

    node.__name__ = name
    return node


def build_graph() -> CompiledStateGraph:
    """The per-question workflow; invoke with ``context=EconContext(llm=…)``."""
    graph = StateGraph(EconState, context_schema=EconContext)
    for name, batched in NODES.items():
        graph.add_node(name, _one_at_a_time(name, batched))
    graph.add_edge(START, "route")
    for name, targets in TARGETS.items():
        graph.add_conditional_edges(name, EDGES[name], targets)
    graph.add_edge("fall_back", END)
    return graph.compile()


_ADDING = {
    name
    for name, hint in get_type_hints(EconState, include_extras=True).items()
    if getattr(hint, "__metadata__", None)  # Annotated[list[...], operator.add]: the lists that grow
}


def merge(state: EconState, update: Update) -> EconState:
    """``state`` with ``update`` applied the way LangGraph applies it: adding lists grow, other keys are replaced."""
    merged: dict[str, Any] = dict(state)
    for key, value in update.items():
        merged[key] = [*merged.get(key, []), *value] if key in _ADDING else value
    return merged  # type: ignore[return-value]


def run_batched(states: list[EconState], context: EconContext) -> list[EconState]:
    """Run every state through the workflow, each step once for all the states waiting at it.

    Repeatedly takes the first step (in ``NODES`` order) that some states wait at and runs it on all of them, so
    routing is one model call, each tool's fills one call per round, and the plain fallbacks one call at the end.
    """
    states = list(states)
    at = ["route"] * len(states)
    while any(step != END for step in at):
        step = next(name for name in NODES if name in at)
        waiting = [index for index, name in enumerate(at) if name == step]
        updates = NODES[step]([states[index] for index in waiting], context)
        for index, update in zip(waiting, updates, strict=True):
            states[index] = merge(states[index], update)
            at[index] = EDGES[step](states[index])
    return states

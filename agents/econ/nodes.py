"""The agent's steps. Each takes a batch of question states and returns one partial update per state.

Working on batches lets the eval send all routing prompts in one model call, all fills for one tool in another, and
all plain fallbacks in a last one; the per-question graph calls the same functions with a batch of one. A step only
reads its states and returns updates; which step comes next is decided in ``graph.py``.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from reasonsuite.llm import Generation, SamplingParams, StructuredOutputError
from reasonsuite.tools.registry import ToolInputError

from . import prompts
from .bindings import ToolBinding, available_bindings, binding_for, fill_model
from .configuration import EconContext
from .grounding import ungrounded_numbers
from .llm_calls import generate_each
from .mapping import MappingError, map_claims
from .state import EconState, FillAttempt, LLMCall, Mapping, Route

NO_TOOL = "none"
Update = dict[str, Any]


def routable(context: EconContext) -> list[ToolBinding]:
    """The bindings routing may choose: registered tools, narrowed to ``config.tools`` when it is set."""
    wanted = context.config.tools
    return [b for b in available_bindings() if wanted is None or b.tool in wanted]


@cache
def route_model(tools: tuple[str, ...]) -> type[BaseModel]:
    """The routing schema: one field whose value is a bound tool's name or "none" (a few tokens to generate)."""
    choice = Literal[(*tools, NO_TOOL)]  # type: ignore[valid-type]
    return create_model(
        "RouteChoice",
        __config__=ConfigDict(extra="forbid"),
        tool=(choice, Field(description="the calculator that solves the question, or none")),
    )


def _call(step: str, result: Generation | StructuredOutputError) -> LLMCall:
    if isinstance(result, StructuredOutputError):
        return LLMCall(step=step, attempts=len(result.raw_texts), finish_reason="error")
    return LLMCall(
        step=step,
        prompt_tokens=result.prompt_tokens,
        completion_tokens=result.completion_tokens,
        attempts=result.attempts,
        finish_reason=result.finish_reason,
    )


def _failure(err: StructuredOutputError) -> str:
    return f"no valid JSON after {len(err.raw_texts)} attempt(s) ({err.errors[-1] if err.errors else 'no output'})"


# --- route ---------------------------------------------------------------------------------------------------------


def route(states: list[EconState], context: EconContext) -> list[Update]:
    """Choose a tool or none: the oracle's tool when the question has a preset, else the model's structured choice."""
    updates: list[Update] = [{} for _ in states]
    bindings = routable(context)
    asked = []
    for index, state in enumerate(states):
        preset = state.get("preset")
        if preset is not None:
            updates[index] = {"route": Route(tool=preset.tool, source="oracle")}
        elif not bindings:
            updates[index] = {"route": Route(tool=None, source="llm"), "fallback_reason": "no tool is available"}
        else:
            asked.append(index)
    if not asked:
        return updates
    catalogue = "\n".join(f"- {b.tool}: {b.use_when}" for b in bindings)
    texts = [prompts.ROUTE.format(tools=catalogue, question=states[i]["question"]) for i in asked]
    params = SamplingParams(max_new_tokens=context.config.route_max_new_tokens)
    schema = route_model(tuple(b.tool for b in bindings))
    for index, result in zip(asked, generate_each(context.llm, texts, params, schema), strict=True):
        call = [_call("route", result)]
        if isinstance(result, StructuredOutputError):
            raw = result.raw_texts[-1] if result.raw_texts else ""
            reason = f"routing failed: {_failure(result)}"
            updates[index] = {"route": Route(tool=None, source="llm", raw=raw, error=reason), "fallback_reason": reason,
                              "llm_calls": call}  # fmt: skip
            continue
        tool = result.parsed.tool  # type: ignore[union-attr]
        chosen = None if tool == NO_TOOL else tool
        updates[index] = {"route": Route(tool=chosen, source="llm", raw=result.text), "llm_calls": call}
        if chosen is None:
            updates[index]["fallback_reason"] = "no tool applies (routing chose none)"
    return updates


# --- fill ----------------------------------------------------------------------------------------------------------


def _field_guide(binding: ToolBinding) -> str:
    schema = fill_model(binding).model_json_schema()
    return "\n".join(f"- {name}: {spec.get('description', '')}" for name, spec in schema["properties"].items())


def _last_problem(state: EconState) -> str | None:
    """What was wrong with the previous input: its validation or grounding problem, or the tool's refusal."""
    fills = state.get("fills", [])
    if fills and fills[-1].problem:
        return fills[-1].problem
    errors = state.get("tool_errors", [])
    return errors[-1] if errors else None


def check_input(binding: ToolBinding, filled: dict[str, Any], question: str) -> tuple[str | None, list[str]]:
    """The problem with a filled input (None: it validates and every number is in the question), and the numbers the
    question does not state."""
    try:
        binding.registered().input_model.model_validate(filled)
    except ValidationError as err:
        return str(ToolInputError.from_validation_error(err)), []
    ungrounded = ungrounded_numbers(filled, question, binding.exempt)
    if ungrounded:
        return f"numbers not in the question: {', '.join(ungrounded[:8])}", ungrounded
    return None, []


def _attempt_update(
    state: EconState, context: EconContext, binding: ToolBinding, attempt: FillAttempt, call: list[LLMCall]
) -> Update:
    update: Update = {"fills": [attempt], "llm_calls": call}
    if attempt.problem is None:
        update["tool_input"] = attempt.filled
        return update
    update["tool_input"] = None
    tries = len(state.get("fills", [])) + 1
    if attempt.source == "oracle" or tries >= context.config.fill_attempts:
        update["fallback_reason"] = f"the {binding.tool} input failed {tries} time(s); last: {attempt.problem}"
    return update


def fill(states: list[EconState], context: EconContext) -> list[Update]:
    """Fill the chosen tool's input: one structured call per tool for the whole batch, then validate and ground."""
    updates: list[Update] = [{} for _ in states]
    by_tool: dict[str, list[int]] = defaultdict(list)
    for index, state in enumerate(states):
        binding = binding_for(state["route"].tool or "")
        preset = state.get("preset")
        if preset is not None:
            filled = dict(preset.input)
            problem, ungrounded = check_input(binding, filled, state["question"])
            attempt = FillAttempt(source="oracle", filled=filled, problem=problem, ungrounded=ungrounded)
            updates[index] = _attempt_update(state, context, binding, attempt, [])
        else:
            by_tool[binding.tool].append(index)
    for tool, indices in by_tool.items():
        binding = binding_for(tool)
        guide, texts = _field_guide(binding), []
        for index in indices:
            problem = _last_problem(states[index])
            feedback = prompts.FILL_FEEDBACK.format(problem=problem) if problem else ""
            question = states[index]["question"]
            texts.append(prompts.FILL.format(tool=tool, fields=guide, question=question, feedback=feedback))
        params = SamplingParams(max_new_tokens=binding.max_new_tokens)
        results = generate_each(context.llm, texts, params, fill_model(binding))
        for index, result in zip(indices, results, strict=True):
            state = states[index]
            if isinstance(result, StructuredOutputError):
                attempt = FillAttempt(source="llm", filled=None, problem=_failure(result))
            else:
                assert result.parsed is not None
                filled = {**result.parsed.model_dump(mode="json"), **binding.fixed}
                problem, ungrounded = check_input(binding, filled, state["question"])
                attempt = FillAttempt(source="llm", filled=filled, problem=problem, ungrounded=ungrounded)
            updates[index] = _attempt_update(state, context, binding, attempt, [_call(f"fill:{tool}", result)])
    return updates


# --- call, map, fall back ------------------------------------------------------------------------------------------


def call_tool(states: list[EconState], context: EconContext) -> list[Update]:
    """Run the tool on the accepted input; a refusal (ToolInputError) goes back to filling while tries remain."""
    updates = []
    for state in states:
        binding = binding_for(state["route"].tool or "")
        try:
            output = binding.registered().run(state["tool_input"] or {})
        except ToolInputError as err:
            update: Update = {"tool_errors": [str(err)], "tool_input": None}
            tries = len(state.get("fills", []))
            if state.get("preset") is not None or tries >= context.config.fill_attempts:
                update["fallback_reason"] = f"{binding.tool} refused the input {tries} time(s); last: {err}"
            updates.append(update)
            continue
        updates.append({"tool_output": output.model_dump(mode="json")})
    return updates


def map_answer(states: list[EconState], context: EconContext) -> list[Update]:
    """Turn the tool's result into the question's answer format by rule (see ``mapping.py``)."""
    updates = []
    for state in states:
        binding = binding_for(state["route"].tool or "")
        output = binding.registered().output_model.model_validate(state["tool_output"])
        claims = binding.claims(output)
        try:
            mapped = map_claims(claims, state["question"], state["answer_format"])
        except MappingError as err:
            updates.append({"fallback_reason": f"the {binding.tool} result ({claims.summary}) gives no answer: {err}"})
            continue
        updates.append({"mapping": Mapping(rule=mapped.rule, answer=mapped.answer, summary=claims.summary),
                        "response": mapped.response})  # fmt: skip
    return updates


def fall_back(states: list[EconState], context: EconContext) -> list[Update]:
    """Answer by plain step-by-step reasoning: the prompt the plain eval asks, in one batched call."""
    results = generate_each(context.llm, [state["plain_prompt"] for state in states], context.plain_params)
    updates = []
    for result in results:
        assert isinstance(result, Generation)  # no schema: nothing to validate, so no StructuredOutputError
        updates.append({"response": result.text, "llm_calls": [_call("plain", result)]})
    return updates

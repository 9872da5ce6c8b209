"""The Reasoner chat tab: an economics question in; the answer, the reasoning and every tool result out.

The economics agent routes the question to a solver when one applies (the model reads the question into the solver's
typed input), else reasons in plain text; the tab shows which happened, so a reader can tell a computed answer from a
generated one.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr

from reasonsuite.agents.econ import answer
from reasonsuite.evals.answers import last_boxed

from ..shared_model import SharedModel

EXAMPLE = (
    "Two firms choose quantities simultaneously. Inverse demand is P = 100 - Q, where Q is total output, and "
    "each firm has a constant marginal cost of 10. What is each firm's Cournot equilibrium quantity?"
)


def describe(result: Any) -> tuple[str, str, str, dict[str, Any]]:
    """(answer, how it was found, the response text, the tool call) for an EconAnswer."""
    boxed = last_boxed(result.response) or "(no boxed answer)"
    if result.tool is not None:
        how = f"computed by the **{result.tool}** tool from the input the model read out of the question"
    else:
        why = f" ({result.fallback_reason})" if result.fallback_reason else ""
        how = f"plain reasoning by the model, no tool{why}"
    call = {
        "tool": result.tool,
        "input": result.tool_input,
        "output": result.tool_output,
        "errors": result.tool_errors,
        "route": result.route.model_dump() if result.route else None,
    }
    return boxed, how, result.response, call


def build(model: SharedModel | None) -> None:
    """The tab's layout and events; without a model the tab says so instead of failing at the first question."""
    if model is None:
        gr.Markdown("This server was started without a model, so the reasoner is off.")
        return
    gr.Markdown(
        f"Model: `{model.description}`. The answer is computed by a solver whenever the agent can map the "
        "question to one; otherwise the model reasons in plain text."
    )
    question = gr.Textbox(EXAMPLE, lines=4, label="Question", elem_id="rs-question")
    ask = gr.Button("Ask", variant="primary")
    with gr.Row():
        final = gr.Textbox(label="Answer", interactive=False)
        how = gr.Markdown()
    reasoning = gr.Textbox(label="Response (reasoning and answer)", lines=8, interactive=False)
    call = gr.JSON(label="Tool call: route, input, output, errors")

    def respond(text: str) -> tuple[str, str, str, str]:
        if not text or not text.strip():
            raise gr.Error("question: write a question first")
        with model.use() as llm:
            result = answer(text.strip(), llm)
        boxed, explanation, response, tool_call = describe(result)
        return boxed, explanation, response, json.loads(json.dumps(tool_call, default=str))

    ask.click(respond, [question], [final, how, reasoning, call])

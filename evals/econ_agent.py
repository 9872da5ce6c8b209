"""The economics agent on a Recon task through the normal eval runner, and the agent's own summary.

`reasonsuite eval run --agent econ` writes the usual run folder (samples.jsonl, results.json); each record also
keeps, under "agent", what the agent did for that item (route, fills with their problems, tool input and output,
mapping, fallback reason, model calls). results.json gains an "agent" section, per category and overall: how often a
tool was chosen and used, how many items hit a validation or grounding failure, accuracy with and without a tool,
and, given a plain run of the same model, the plain model's accuracy on the same items. ``--agent econ-oracle`` gives
the agent gold-parsed tool inputs where a rule parser can read the question (``agents/econ/oracle.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..agents.econ import EconAnswer, EconConfig, answer_many
from ..atomic_files import write_json_atomically
from ..llm import LLM, Generation, SamplingParams
from .records import read_records
from .runner import Progress, accuracy_cell, run_eval, select_items
from .tasks import TaskSpec

__all__ = ["AGENTS", "EconAgent", "agent_summary", "run_econ_eval"]

AGENTS = ("econ", "econ-oracle")


class EconAgent:
    """The runner's Agent: answers a chunk of items with one batched model call per agent step."""

    def __init__(self, llm: LLM, params: SamplingParams, *, oracle: bool = False, config: EconConfig | None = None):
        self.llm = llm
        self.params = params
        self.oracle = oracle
        self.config = config or EconConfig()
        self.name = "econ-oracle" if oracle else "econ"

    def respond(self, items: list[dict[str, Any]]) -> list[tuple[Generation, dict[str, Any]]]:
        answers = answer_many([item["messages"] for item in items], self.llm, config=self.config,
                              plain_params=self.params, oracle=self.oracle)  # fmt: skip
        return [(_generation(answer), agent_record(answer)) for answer in answers]


def _generation(answer: EconAnswer) -> Generation:
    """The agent's final text with the tokens of all its model calls (finish reason: the plain answer's, if any)."""
    plain = [call for call in answer.llm_calls if call.step == "plain"]
    return Generation(
        text=answer.response,
        prompt_tokens=sum(call.prompt_tokens for call in answer.llm_calls),
        completion_tokens=sum(call.completion_tokens for call in answer.llm_calls),
        finish_reason=plain[-1].finish_reason if plain else "stop",  # type: ignore[arg-type]
        latency_s=0.0,
    )


def agent_record(answer: EconAnswer) -> dict[str, Any]:
    """What the item's record keeps under "agent" (the question itself is already the record's prompt)."""
    return {"used_tool": answer.used_tool, **answer.model_dump(mode="json", exclude={"question"})}


def _validation_failed(agent: dict[str, Any]) -> bool:
    return any(fill["problem"] for fill in agent["fills"]) or bool(agent["tool_errors"])


def _cell(records: Sequence[dict[str, Any]], plain: dict[str, bool] | None) -> dict[str, Any]:
    used = [r for r in records if r["agent"]["used_tool"]]
    not_used = [r for r in records if not r["agent"]["used_tool"]]
    cell: dict[str, Any] = {
        "n": len(records),
        "agent": accuracy_cell([r["correct"] for r in records]),
        "tool_chosen_rate": sum((r["agent"]["route"] or {}).get("tool") is not None for r in records) / len(records),
        "tool_used_rate": len(used) / len(records),
        "validation_failure_items": sum(_validation_failed(r["agent"]) for r in records),
        "failed_fill_attempts": sum(bool(f["problem"]) for r in records for f in r["agent"]["fills"]),
        "tool_refusals": sum(len(r["agent"]["tool_errors"]) for r in records),
        "accuracy_tool_used": accuracy_cell([r["correct"] for r in used]) if used else None,
        "accuracy_tool_not_used": accuracy_cell([r["correct"] for r in not_used]) if not_used else None,
        "oracle_inputs": sum(r["agent"]["oracle"] for r in records),
    }
    if plain is not None:
        shared = [r for r in records if r["doc_id"] in plain]
        cell["plain"] = accuracy_cell([plain[r["doc_id"]] for r in shared]) if shared else None
        cell["agent_on_plain_items"] = accuracy_cell([r["correct"] for r in shared]) if shared else None
    return cell


def agent_summary(records: Sequence[dict[str, Any]], plain: dict[str, bool] | None = None) -> dict[str, Any]:
    """Per category and overall: tool use, validation failures, accuracy with and without a tool, plain vs agent."""
    answered = [r for r in records if "agent" in r]
    by_category: dict[str, list[dict[str, Any]]] = {}
    for record in answered:
        by_category.setdefault(record["category"], []).append(record)
    fallback_reasons: dict[str, int] = {}
    for record in answered:
        reason = record["agent"]["fallback_reason"]
        if reason:
            key = reason.split(":")[0].split(" (")[0]  # the kind of reason, without the item's details
            fallback_reasons[key] = fallback_reasons.get(key, 0) + 1
    return {
        "overall": _cell(answered, plain) if answered else None,
        "per_category": {name: _cell(rows, plain) for name, rows in sorted(by_category.items())},
        "fallback_reasons": dict(sorted(fallback_reasons.items(), key=lambda kv: -kv[1])),
    }


def plain_verdicts(run: Path) -> dict[str, bool]:
    """doc id → correct in a plain run folder, to set the agent beside the plain model on the same items."""
    path = run / "samples.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"plain_run: {run} is not a run folder (no samples.jsonl)")
    return {r["doc_id"]: bool(r["correct"]) for r in read_records(path) if "agent" not in r}


def run_econ_eval(
    task: TaskSpec,
    llm: LLM,
    out: Path,
    params: SamplingParams,
    *,
    oracle: bool = False,
    plain_run: Path | None = None,
    limit: int | None = None,
    spread: bool = False,
    categories: Sequence[str] | None = None,
    chunk_size: int = 32,
    config: dict[str, Any] | None = None,
    on_progress: Progress | None = None,
) -> dict[str, Any]:
    """The agent on ``task`` through ``run_eval``; results.json gains the "agent" section (see module docs)."""
    plain = plain_verdicts(plain_run) if plain_run is not None else None
    agent = EconAgent(llm, params, oracle=oracle)
    results = run_eval(task, llm, out, params, limit=limit, spread=spread, categories=categories,
                       chunk_size=chunk_size, config=config, on_progress=on_progress, agent=agent)  # fmt: skip
    # As results.json: the chosen items, not option variants.
    selected = set(select_items(task, limit, spread, categories)["id"])
    records = [r for r in read_records(out / "samples.jsonl") if r["doc_id"] in selected]
    results["agent"] = {"name": agent.name, "plain_run": str(plain_run) if plain_run else None,
                        **agent_summary(records, plain)}  # fmt: skip
    write_json_atomically(out / "results.json", results)
    return results

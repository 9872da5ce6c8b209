"""Batch evaluation of one backend on one task: per-sample records, resumable, then a results summary.

Layout of a run folder (like lm-evaluation-harness, so a person can audit it sample by sample)::

    run.json        what was run: task, model, decoding settings (a resumed run must match it)
    samples.jsonl   one record per item: prompt, target, response, extracted answer, verdict, category, tokens, time
    results.json    accuracy overall and per category with 95% Wilson intervals, baselines on the same items,
                    extraction failures, throughput, config, package versions and git commit
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from datasets import Dataset

from ..atomic_files import write_json_atomically
from ..llm import LLM, Generation, SamplingParams
from .answers import check_answer
from .baselines import Baseline, always_option_1, make_category_majority, make_random_valid
from .provenance import git_commit, package_versions
from .records import append_records, read_records, write_records_atomically
from .shuffle import base_id, option_variants, position_bias
from .stats import wilson_interval
from .tasks import TaskSpec, load_task

Progress = Callable[[int, int], None]  # (items answered so far, items to answer in all)


class Agent(Protocol):
    """Answers items in place of a bare model call (the economics agent): one final text per item, plus what the
    agent did, which the item's record keeps under "agent"."""

    name: str

    def respond(self, items: list[dict[str, Any]]) -> list[tuple[Generation, dict[str, Any]]]: ...


class RunMismatchError(ValueError):
    """The output folder holds a run of another task, model or decoding setting; resuming would mix them."""


def select_items(
    task: TaskSpec, limit: int | None, spread: bool = False, categories: Sequence[str] | None = None
) -> Dataset:
    """The first ``limit`` items, or with ``spread`` ``limit`` items evenly spaced over the task (Recon lists its
    categories in blocks, so a spread sample covers many categories where the first items cover one); with
    ``categories``, only items of those categories (an unknown name is an error naming the known ones)."""
    items = task.documents()
    if categories:
        known = set(items["category"])
        unknown = sorted(set(categories) - known)
        if unknown:
            raise ValueError(f"categories: {', '.join(unknown)} not in {task.name} (it has {', '.join(sorted(known))})")
        items = items.filter(lambda row: row["category"] in set(categories))
    if limit is None:
        return items
    if limit < 1:
        raise ValueError(f"limit: must be at least 1, got {limit}")
    count = min(limit, len(items))
    if spread:
        return items.select([index * len(items) // count for index in range(count)])
    return items.select(range(count))


def run_eval(
    task: TaskSpec,
    llm: LLM,
    out: Path,
    params: SamplingParams,
    *,
    limit: int | None = None,
    spread: bool = False,
    categories: Sequence[str] | None = None,
    chunk_size: int = 32,
    shuffle_options: int = 0,
    config: dict[str, Any] | None = None,
    on_progress: Progress | None = None,
    agent: Agent | None = None,
) -> dict[str, Any]:
    """Evaluate ``llm`` on ``task`` into ``out``, skipping items already recorded there; returns the results dict.

    Items are generated ``chunk_size`` at a time (one batch for hf/vllm, concurrent requests for openai) and their
    records appended after each chunk, so a killed run loses at most one chunk of work. With ``shuffle_options=K``
    each multiple-choice item is also asked with up to K permutations of its options (a position-bias probe). With
    ``agent``, the agent answers each chunk (using ``llm`` itself) and its run folder is marked with the agent's name.
    """
    items = select_items(task, limit, spread, categories)
    asked = expand_with_variants(items, shuffle_options)
    out.mkdir(parents=True, exist_ok=True)
    identity = {
        "task": task.name,
        "model": llm.name,
        "params": params.model_dump(mode="json"),
        "shuffle_options": shuffle_options,
        **({"agent": agent.name} if agent is not None else {}),
    }
    _check_identity(out / "run.json", identity, config)
    samples_path = out / "samples.jsonl"
    done = {r["doc_id"] for r in read_records(samples_path)}
    pending = [item for item in asked if item["id"] not in done]
    answered = len(asked) - len(pending)
    if on_progress is not None:
        on_progress(answered, len(asked))
    for start in range(0, len(pending), chunk_size):
        chunk = pending[start : start + chunk_size]
        started = time.perf_counter()
        if agent is None:
            answers = [(g, None) for g in llm.generate([item["messages"] for item in chunk], params)]
        else:
            answers = agent.respond(chunk)
        share = (time.perf_counter() - started) / len(chunk)
        append_records(
            samples_path, [_record(item, g, share, extra) for item, (g, extra) in zip(chunk, answers, strict=True)]
        )
        answered += len(chunk)
        if on_progress is not None:
            on_progress(answered, len(asked))
    results = summarise(task, items, read_records(samples_path), identity, config)
    write_json_atomically(out / "results.json", results)
    return results


def rescore(out: Path) -> dict[str, Any]:
    """Re-check every recorded response with the current answer checker; rewrite samples.jsonl and results.json.

    The checker improves over time; the model's responses do not change, so a run can be re-scored without
    generating again. Only the verdict fields change, and the records file is replaced in one rename.
    """
    run = json.loads((out / "run.json").read_text())
    task = load_task(run["task"])
    records = read_records(out / "samples.jsonl")
    for record in records:
        verdict = check_answer(record["response"], record["target"], record["answer_type"])
        record.update(extracted=verdict.extracted, correct=verdict.correct, reason=verdict.reason)
    write_records_atomically(out / "samples.jsonl", records)
    done = {r["doc_id"] for r in records}
    documents = task.documents()
    base_done = {base_id(doc_id) for doc_id in done}
    items = documents.select([i for i, doc_id in enumerate(documents["id"]) if doc_id in base_done])
    identity = {key: run.get(key, 0) for key in ("task", "model", "params", "shuffle_options")}
    results = summarise(task, items, records, identity, run.get("config"))
    write_json_atomically(out / "results.json", results)
    return results


def expand_with_variants(items: Dataset, shuffle_options: int) -> list[dict[str, Any]]:
    """The items to ask: each item, followed by its option-permuted variants when ``shuffle_options`` > 0."""
    asked = []
    for item in items:
        asked.append(item)
        asked.extend(option_variants(item, shuffle_options))
    return asked


def _check_identity(path: Path, identity: dict[str, Any], config: dict[str, Any] | None) -> None:
    if path.exists():
        recorded = json.loads(path.read_text())
        keys = [*identity, *({"agent"} & recorded.keys() - identity.keys())]  # a plain run resumed in an agent's
        mismatched = [key for key in keys if recorded.get(key, 0) != identity.get(key, 0)]
        if mismatched:
            raise RunMismatchError(
                f"out: {path.parent} holds a run with another {', '.join(mismatched)} "
                f"({', '.join(f'{k}={recorded.get(k)!r}' for k in mismatched)}); choose another --out"
            )
        return
    write_json_atomically(path, {**identity, "config": config or {}, "started": _now()})


def _record(
    item: dict[str, Any], generation: Any, seconds: float, agent: dict[str, Any] | None = None
) -> dict[str, Any]:
    verdict = check_answer(generation.text, item["answer"], item["answer_type"])
    record = {
        "doc_id": item["id"],
        "category": item["category"],
        "answer_type": item["answer_type"],
        "prompt": item["messages"],
        "target": item["answer"],
        "response": generation.text,
        "extracted": verdict.extracted,
        "correct": verdict.correct,
        "reason": verdict.reason,
        "prompt_tokens": generation.prompt_tokens,
        "completion_tokens": generation.completion_tokens,
        "finish_reason": generation.finish_reason,
        "seconds": round(seconds, 4),
    }
    if "permutation" in item:
        record["permutation"] = item["permutation"]
    if agent is not None:
        record["agent"] = agent
    return record


def format_accuracy(cell: dict[str, Any] | None) -> str:
    """``12.5% (4%–33%)``: an accuracy-table cell with its 95% interval, as the CLI and comparisons show it."""
    if cell is None:
        return "–"
    low, high = cell["ci95"]
    return f"{cell['accuracy']:.1%} ({low:.0%}–{high:.0%})"


def accuracy_cell(flags: Sequence[bool]) -> dict[str, Any]:
    """Accuracy of some pass/fail flags with its 95% Wilson interval (no flags: accuracy 0, interval 0–1)."""
    low, high = wilson_interval(sum(flags), len(flags))
    accuracy = sum(flags) / len(flags) if flags else 0.0
    return {"n": len(flags), "correct": sum(flags), "accuracy": accuracy, "ci95": [low, high]}


def accuracy_table(rows: Sequence[tuple[str, bool]]) -> dict[str, Any]:
    """Overall and per-category accuracy with 95% Wilson intervals from (category, correct) pairs."""
    by_category: dict[str, list[bool]] = {}
    for category, correct in rows:
        by_category.setdefault(category, []).append(correct)
    return {
        "overall": accuracy_cell([c for _, c in rows]),
        "per_category": {name: accuracy_cell(flags) for name, flags in sorted(by_category.items())},
    }


def baselines_for(task: TaskSpec) -> dict[str, Baseline]:
    baselines: dict[str, Baseline] = {"always_option_1": always_option_1, "random_valid": make_random_valid(seed=0)}
    reference = task.majority_source()
    if reference is not None:
        baselines["category_majority"] = make_category_majority(reference)
    return baselines


def score_baselines(task: TaskSpec, items: Dataset) -> dict[str, Any]:
    """Each baseline's accuracy table on ``items``, scored by the same checker as the model."""
    scored = {}
    for name, baseline in baselines_for(task).items():
        rows = [
            (item["category"], check_answer(baseline(item), item["answer"], item["answer_type"]).correct)
            for item in items
        ]
        scored[name] = accuracy_table(rows)
    return scored


def summarise(
    task: TaskSpec,
    items: Dataset,
    records: list[dict[str, Any]],
    identity: dict[str, Any],
    config: dict[str, Any] | None,
) -> dict[str, Any]:
    """results.json for the records of ``items`` (records of items outside the selection are ignored)."""
    wanted = set(items["id"])
    by_id = {r["doc_id"]: r for r in records if r["doc_id"] in wanted}
    chosen = [by_id[i] for i in items["id"] if i in by_id]
    probes = [r for r in records if base_id(r["doc_id"]) in wanted]
    seconds = sum(r["seconds"] for r in probes)
    completion_tokens = sum(r["completion_tokens"] for r in probes)
    return {
        "task": task.name,
        "model": identity["model"],
        "params": identity["params"],
        "items": len(items),
        "completed": len(chosen),
        "accuracy": accuracy_table([(r["category"], r["correct"]) for r in chosen]) if chosen else None,
        "extraction_failure_rate": sum(r["extracted"] is None for r in chosen) / len(chosen) if chosen else None,
        "truncated_rate": sum(r["finish_reason"] == "length" for r in chosen) / len(chosen) if chosen else None,
        "baselines": score_baselines(task, items),
        "position_bias": position_bias(probes),
        "tokens": {"prompt": sum(r["prompt_tokens"] for r in probes), "completion": completion_tokens},
        "generation_seconds": round(seconds, 2),
        "completion_tokens_per_s": round(completion_tokens / seconds, 2) if seconds else None,
        "config": config or {},
        "versions": package_versions(),
        "git_commit": git_commit(),
        "finished": _now(),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

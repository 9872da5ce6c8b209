"""Position-bias probes: re-ask multiple-choice items with their options permuted.

A model that reasons picks the same option whatever its position; one that leans on "Option 1" does not. Each
variant renumbers the options in the question text and remaps the gold answer; its record keeps the permutation so
that answers can be mapped back to the original options and compared across variants.
"""

from __future__ import annotations

import random
import re
from typing import Any

VARIANT_SEPARATOR = "#perm"
_OPTION_LINE = re.compile(r"^Option (\d+):\s*(.*?)\s*$", re.MULTILINE)


def base_id(doc_id: str) -> str:
    return doc_id.split(VARIANT_SEPARATOR, 1)[0]


def is_variant(doc_id: str) -> bool:
    return VARIANT_SEPARATOR in doc_id


def _permutations(count: int, wanted: int, rng: random.Random) -> list[list[int]]:
    """Up to ``wanted`` distinct non-identity orders of ``count`` options (fewer exist for two options)."""
    identity = list(range(count))
    found: list[list[int]] = []
    for _ in range(50 * wanted):
        if len(found) == wanted:
            break
        order = identity[:]
        rng.shuffle(order)
        if order != identity and order not in found:
            found.append(order)
    return found


def option_variants(item: dict[str, Any], k: int, seed: int = 0) -> list[dict[str, Any]]:
    """Up to ``k`` copies of a multiple-choice item with permuted options; none for other answer types.

    In a variant, new option ``i`` (0-based) shows original option ``permutation[i]``.
    """
    if item["answer_type"] != "multiple_choice" or k < 1:
        return []
    options = item["options"]
    gold_index = int(item["answer"].split(":", 1)[0].split()[-1]) - 1
    prompt = item["messages"][-1]["content"]
    head, marker, listing = prompt.rpartition("Options:")
    variants = []
    for number, order in enumerate(_permutations(len(options), k, random.Random(f"{seed}:{item['id']}")), 1):
        lines = iter([f"Option {i + 1}: {options[original]}" for i, original in enumerate(order)])
        new_listing = _OPTION_LINE.sub(lambda _, lines=lines: next(lines), listing)
        messages = [*item["messages"][:-1], {"role": "user", "content": head + marker + new_listing}]
        new_gold = order.index(gold_index)
        variants.append(
            {
                **item,
                "id": f"{item['id']}{VARIANT_SEPARATOR}{number}",
                "messages": messages,
                "answer": f"Option {new_gold + 1}: {options[gold_index]}",
                "permutation": order,
            }
        )
    return variants


def chosen_original_option(record: dict[str, Any]) -> int | None:
    """The original (unpermuted) 0-based option a record's answer picked; None without a readable option number."""
    extracted = record.get("extracted") or ""
    match = re.match(r"\s*(?:option\s*)?(\d+)", extracted, re.IGNORECASE)
    if not match:
        return None
    picked = int(match.group(1)) - 1
    order = record.get("permutation") or list(range(picked + 1))
    return order[picked] if 0 <= picked < len(order) else None


def position_bias(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Accuracy over all variants and the share of items answered with the same original option in every variant."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if record["answer_type"] == "multiple_choice":
            groups.setdefault(base_id(record["doc_id"]), []).append(record)
    probed = {doc: group for doc, group in groups.items() if len(group) > 1}
    if not probed:
        return None
    flat = [r for group in probed.values() for r in group]
    consistent = 0
    for group in probed.values():
        picks = {chosen_original_option(r) for r in group}
        consistent += len(picks) == 1 and None not in picks
    return {
        "items": len(probed),
        "answers": len(flat),
        "accuracy_all_orders": sum(r["correct"] for r in flat) / len(flat),
        "accuracy_original_order": sum(r["correct"] for r in flat if not is_variant(r["doc_id"])) / len(probed),
        "consistency": consistent / len(probed),
    }

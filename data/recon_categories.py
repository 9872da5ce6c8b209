"""The 15 question categories of Recon-Eval, derived from each question's content.

The CSVs carry no category column. Each category has a recognisable template (the Recon authors generated most
questions from templates), so a short ordered list of content rules assigns them; the first rule that matches wins.
`tests/test_data_recon.py` checks that the rules split Recon-Eval into 15 categories of 20 questions each.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Rules are checked in order: specific templates before the general "infinitely repeated game" ones.
_PERCENT = re.compile(r"\d(?:\.\d+)?\s?%")
_MONEY_OPTIONS = re.compile(r"option 1: \(?\$")
_NUMBER_OPTIONS = re.compile(r"option 1: \d*\.?\d+\s+option 2: \d*\.?\d+")


def _mentions(text: str, *words: str) -> bool:
    return any(word in text for word in words)


_RULES: list[tuple[str, Callable[[str, str], bool]]] = [
    ("perfectly_transparent_equilibrium", lambda q, t: "pareto-dominate" in q and "maximin" in q),
    ("pure_nash_equilibrium", lambda q, t: "pure nash equilibri" in q and "payoff matrix" in q),
    ("causal_reasoning", lambda q, t: t == "yes_no" and "premise" in q and "hypothesis" in q),
    ("event_ordering", lambda q, t: t == "ordering"),
    ("bayesian_states", lambda q, t: bool(re.search(r"game (?:has|with) \d+ states", q))),
    ("condorcet_voting", lambda q, t: "voters" in q and ">" in q),
    ("budget_balance", lambda q, t: _mentions(q, "budget balanced", "budget-balanced")),
    ("time_preference", lambda q, t: bool(re.search(r"\b(?:today|tomorrow)\b", q)) and "days" in q),
    ("risk_preference", lambda q, t: bool(_PERCENT.search(q)) and _mentions(q, "chance", "probabilit", "likelihood")),
    ("endowment_effect", lambda q, t: "similar situation" in q and _mentions(q, "trade", "swap", "offer")),
    ("auction_design", lambda q, t: "auction" in q.partition("option 1:")[2]),
    # Two-option decision trees solved by backward induction (negotiation rounds, the doctors' treatment choices).
    ("sequential_bargaining", lambda q, t: "option 3:" not in q and _mentions(q, "backward induction", "should")),
    # Asked for the smallest discount factor that sustains cooperation; the options are bare numbers.
    ("repeated_game_min_discount_factor", lambda q, t: "discount factor" in q and bool(_NUMBER_OPTIONS.search(q))),
    ("repeated_game_sustainable_payoffs", lambda q, t: bool(_MONEY_OPTIONS.search(q)) and "discount" in q),
    ("repeated_game_sustainable_outcome", lambda q, t: _mentions(q, "repeated", "discount", "indefinite")),
]

CATEGORIES: tuple[str, ...] = tuple(name for name, _ in _RULES)


def category_of(question: str, answer_type: str) -> str:
    """The category of a Recon question (``"other"`` when no template matches, as for some train rows)."""
    text = " ".join(question.lower().split())
    for name, matches in _RULES:
        if matches(text, answer_type):
            return name
    return "other"

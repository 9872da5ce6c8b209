"""Single-step games as an RL prompt set, and reward functions in TRL's shape: ``f(prompts, completions, **columns)``.

Each row asks one seat of a one-shot matrix game (or the first mover of a tree) for its move, in the LLM player's
prompt and JSON answer format. The rewards read the row's ``game`` and ``seat`` columns and score the completion:

- ``legality_reward``: 1 when the completion is a JSON move whose action is legal, else 0;
- ``equilibrium_reward``: 1 when the action is the seat's action in a pure Nash equilibrium (trees: the
  subgame-perfect first move), else 0; an illegal or unparseable answer gets 0;
- ``payoff_reward``: the action's expected payoff against the opponent's first equilibrium strategy, scaled to
  [0, 1] by the seat's lowest and highest payoff in the game (trees: the subgame-perfect continuation's payoff);
  an illegal or unparseable answer gets 0.

Equilibria come from the game tools (``equilibria.py``), as everywhere in the arenas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from .continuous import ContinuousGame
from .equilibria import continuation_payoffs, matrix_solution, tree_solution
from .games import Game, GameError, MatrixGame, get_game, load_games
from .prompts import move_prompt
from .state import MoveView

__all__ = ["equilibrium_reward", "legality_reward", "parse_action", "payoff_reward", "single_step_prompts"]

_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def _legal(game: Game, seat: int) -> list[str]:
    return game.legal_actions(seat) if isinstance(game, MatrixGame) else game.legal_actions(seat, ())


def single_step_prompts(games: Sequence[str] | None = None, reasoning: bool = True) -> list[dict[str, Any]]:
    """Rows ``{prompt, game, seat}``: each seat of each one-shot game (trees: the first mover) asked for a move."""
    catalogue = load_games()
    # Continuous games have no finite action set to reward yet: the default set is the matrix games and trees.
    names = list(games) if games is not None else sorted(n for n, g in catalogue.items() if g.kind in
                                                         ("matrix", "sequential"))  # fmt: skip
    rows = []
    for name in names:
        game = get_game(name) if name not in catalogue else catalogue[name]
        if isinstance(game, ContinuousGame):
            raise GameError("games", f"{name} is a continuous game; the rewards cover matrix games and trees")
        seats = [0, 1] if isinstance(game, MatrixGame) else [game.players.index(game.tree.player)]  # type: ignore[arg-type]
        for seat in seats:
            view = MoveView(match_id=f"{name}-{seat}", trial=0, seed=0, game=name, seat=seat,
                            player_name=game.players[seat], round=0, rounds=1, discount=1.0,
                            legal_actions=_legal(game, seat))  # fmt: skip
            content = move_prompt(game, view, reasoning)
            rows.append({"prompt": [{"role": "user", "content": content}], "game": name, "seat": seat})
    return rows


def _text(completion: Any) -> str:
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content", ""))
    return str(completion)


def parse_action(completion: Any, legal: Sequence[str]) -> str | None:
    """The legal action a completion names in its JSON ``action`` field, or None (no JSON, no field, illegal)."""
    text = _text(completion).strip()
    match = _JSON_OBJECT.search(text)
    if match is None:
        return None
    try:
        value = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    action = value.get("action") if isinstance(value, dict) else None
    return action if isinstance(action, str) and action in legal else None


def _scored(completions: Sequence[Any], game: Sequence[str], seat: Sequence[int]) -> list[tuple[Game, int, str | None]]:
    out = []
    for completion, name, k in zip(completions, game, seat, strict=True):
        g = get_game(name)
        out.append((g, int(k), parse_action(completion, _legal(g, int(k)))))
    return out


def legality_reward(prompts: Sequence[Any], completions: Sequence[Any], game: Sequence[str], seat: Sequence[int],
                    **_: Any) -> list[float]:  # fmt: skip
    return [float(action is not None) for _, _, action in _scored(completions, game, seat)]


def equilibrium_reward(prompts: Sequence[Any], completions: Sequence[Any], game: Sequence[str], seat: Sequence[int],
                       **_: Any) -> list[float]:  # fmt: skip
    rewards = []
    for g, k, action in _scored(completions, game, seat):
        if action is None:
            rewards.append(0.0)
        elif isinstance(g, MatrixGame):
            wanted = {g.actions[k][profile[k]] for profile in matrix_solution(g).pure}
            rewards.append(float(action in wanted))
        else:
            rewards.append(float(action in {path[0] for path in tree_solution(g).paths}))
    return rewards


def payoff_reward(prompts: Sequence[Any], completions: Sequence[Any], game: Sequence[str], seat: Sequence[int],
                  **_: Any) -> list[float]:  # fmt: skip
    rewards = []
    for g, k, action in _scored(completions, game, seat):
        if action is None:
            rewards.append(0.0)
            continue
        if isinstance(g, MatrixGame):
            values = [cell[k] for row in g.payoffs for cell in row]
            other = matrix_solution(g).mixed[0][1 - k]
            i = g.actions[k].index(action)
            cells = [g.payoffs[i][j] if k == 0 else g.payoffs[j][i] for j in range(len(other))]
            value = sum(p * cell[k] for p, cell in zip(other, cells, strict=True))
        else:
            values = [x[k] for x in _leaf_payoffs(g.tree)]
            value = continuation_payoffs(g, (action,))[k]
        low, high = min(values), max(values)
        rewards.append((value - low) / (high - low) if high > low else 1.0)
    return rewards


def _leaf_payoffs(node: Any) -> list[list[float]]:
    if node.payoffs is not None:
        return [node.payoffs]
    return [p for child in node.moves.values() for p in _leaf_payoffs(child)]

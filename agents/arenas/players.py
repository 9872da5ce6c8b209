"""Players: the Player protocol, the scripted strategies, the equilibrium player (from the tools) and a human player.

Players are stateless: everything they use is in the :class:`MoveView` (history included), and random draws come
from the match's seed, the round and the node. So one player object can decide for many matches in one call, which
is what lets a tournament batch an LLM player's moves across matches, and a match replays exactly from its seed.

Specs (``make_player``): ``random``, ``always:LABEL`` (or ``always:K``, the K-th action, 1-based), ``tit-for-tat``,
``grim`` (grim trigger), ``best-response``, ``equilibrium``, ``human`` (needs a move source) and ``llm`` (needs a
model).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

from .continuous import ContinuousGame, format_amount
from .equilibria import best_response, matrix_solution, subtree_game, tree_solution
from .games import Game, GameError, MatrixGame, SequentialGame
from .state import Decision, MoveView

__all__ = [
    "AlwaysPlayer",
    "BestResponsePlayer",
    "EquilibriumPlayer",
    "GrimTriggerPlayer",
    "HumanPlayer",
    "Player",
    "RandomPlayer",
    "TitForTatPlayer",
    "make_player",
    "player_specs",
]


@runtime_checkable
class Player(Protocol):
    """Chooses moves. ``deferred`` players (LLM, human) are asked outside the match graph, so the tournament driver
    can batch them across matches; the others decide inside the player node."""

    name: str
    deferred: bool

    def check(self, game: Game) -> None:
        """Raise GameError if this player cannot play ``game`` (e.g. tit-for-tat without a cooperative action)."""
        ...

    def decide(self, game: Game, views: Sequence[MoveView]) -> list[Decision]:
        """One decision per view, in order."""
        ...


def _rng(view: MoveView, salt: str) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`, so draws are reproducible across processes (unlike hash()).
    return random.Random(f"{salt}|{view.seed}|{view.match_id}|{view.round}|{'/'.join(view.path)}|{view.seat}")


def _opponent_actions(view: MoveView) -> list[str]:
    """The opponent's actions in earlier rounds of a matrix game, forfeits left out."""
    other = 1 - view.seat
    return [r.actions[other] for r in view.history if r.actions[other] is not None]  # type: ignore[misc]


class _Scripted:
    """A strategy that decides inside the match graph: ``choose`` a label (matrix games, trees) or ``choose_amount``
    a number (continuous games; only the strategies that override it can play those)."""

    deferred = False
    name = "scripted"

    def check(self, game: Game) -> None:
        if isinstance(game, ContinuousGame) and type(self).choose_amount is _Scripted.choose_amount:
            raise GameError("players", f"{self.name} cannot play {game.name}, a continuous game; use random, "
                            "always:NUMBER, best-response, equilibrium or an llm")  # fmt: skip

    def decide(self, game: Game, views: Sequence[MoveView]) -> list[Decision]:
        if isinstance(game, ContinuousGame):
            amounts = [self.choose_amount(game, view) for view in views]
            return [Decision(action=format_amount(x), amount=x) for x in amounts]
        return [Decision(action=self.choose(game, view)) for view in views]

    def choose(self, game: Game, view: MoveView) -> str:
        raise NotImplementedError

    def choose_amount(self, game: ContinuousGame, view: MoveView) -> float:
        raise GameError("players", f"{self.name} cannot play {game.name}, a continuous game")


class RandomPlayer(_Scripted):
    """Uniform over the legal actions; draws come from the match seed (reproducible, independent across matches)."""

    name = "random"

    def choose(self, game: Game, view: MoveView) -> str:
        return _rng(view, "random").choice(view.legal_actions)

    def choose_amount(self, game: ContinuousGame, view: MoveView) -> float:
        low, high = game.action_range(view.seat)
        return _rng(view, "random").uniform(low, high)


class AlwaysPlayer(_Scripted):
    """Always the same action: a label, or the K-th legal action (1-based) when no action has that label; in a
    continuous game, the number itself (``always:30``: quantity, price, bid or guess 30)."""

    def __init__(self, action: str):
        self.action = action
        self.name = f"always:{action}"

    def _pick(self, legal: list[str]) -> str | None:
        if self.action in legal:
            return self.action
        if self.action.isdigit() and 1 <= int(self.action) <= len(legal):
            return legal[int(self.action) - 1]
        return None

    def _number(self) -> float | None:
        try:
            value = float(self.action)
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    def check(self, game: Game) -> None:
        if isinstance(game, ContinuousGame):
            value = self._number()
            for seat in range(len(game.players)):
                low, high = game.action_range(seat)
                if value is None or not low <= value <= high:
                    raise GameError("players", f"{self.name}: {game.players[seat]} names a {game.action_name} from "
                                    f"{low:g} to {high:g} in {game.name}; {self.action!r} is not one")  # fmt: skip
        if isinstance(game, MatrixGame):
            for seat in range(2):
                if self._pick(game.actions[seat]) is None:
                    raise GameError("players", f"{self.name}: {game.players[seat]} has no action {self.action!r} in "
                                    f"{game.name} (actions: {game.actions[seat]})")

    def choose(self, game: Game, view: MoveView) -> str:
        picked = self._pick(view.legal_actions)
        if picked is None:
            raise GameError("players", f"{self.name}: no action {self.action!r} among {view.legal_actions}")
        return picked

    def choose_amount(self, game: ContinuousGame, view: MoveView) -> float:
        value = self._number()
        if value is None:
            raise GameError("players", f"{self.name}: {self.action!r} is not a number")
        return value


def _needs_cooperation(name: str, game: Game) -> MatrixGame:
    if not isinstance(game, MatrixGame) or game.cooperative_actions is None:
        raise GameError("players", f"{name} needs a matrix game with `cooperative_actions`; {game.name} has none")
    return game


class TitForTatPlayer(_Scripted):
    """Cooperates first, then plays the action the opponent played last (by position; forfeits are skipped)."""

    name = "tit-for-tat"

    def check(self, game: Game) -> None:
        _needs_cooperation(self.name, game)

    def choose(self, game: Game, view: MoveView) -> str:
        matrix = _needs_cooperation(self.name, game)
        seen = _opponent_actions(view)
        if not seen:
            return matrix.actions[view.seat][matrix.cooperative_index(view.seat)]  # type: ignore[index]
        index = matrix.actions[1 - view.seat].index(seen[-1])
        return view.legal_actions[min(index, len(view.legal_actions) - 1)]


class GrimTriggerPlayer(_Scripted):
    """Cooperates until the opponent once plays a non-cooperative action, then punishes forever.

    The punishment is this player's action in the game's first pure equilibrium (defect in the prisoner's dilemma),
    or, without one, its first non-cooperative action. A forfeit is not a defection.
    """

    name = "grim"

    def check(self, game: Game) -> None:
        _needs_cooperation(self.name, game)

    def choose(self, game: Game, view: MoveView) -> str:
        matrix = _needs_cooperation(self.name, game)
        mine, theirs = matrix.cooperative_actions[view.seat], matrix.cooperative_actions[1 - view.seat]  # type: ignore[index]
        if all(action == theirs for action in _opponent_actions(view)):
            return mine
        pure = sorted(matrix_solution(matrix).pure)
        if pure:
            return matrix.actions[view.seat][pure[0][view.seat]]
        return next(a for a in matrix.actions[view.seat] if a != mine)


class BestResponsePlayer(_Scripted):
    """Best response to the opponent's empirical mix so far (uniform before any history), from the
    ``best_response`` tool; ties go to the first action. In a tree: the subgame-perfect move of the subgame ahead."""

    name = "best-response"

    def choose(self, game: Game, view: MoveView) -> str:
        if isinstance(game, SequentialGame):
            return tree_solution(subtree_game(game, tuple(view.path))).strategy[()]
        labels = game.actions[1 - view.seat]
        seen = _opponent_actions(view)
        if seen:
            mix = tuple(Fraction(seen.count(label), len(seen)) for label in labels)
        else:
            mix = tuple(Fraction(1, len(labels)) for _ in labels)
        best, _ = best_response(game, view.seat, mix)
        return game.actions[view.seat][best[0]]

    def choose_amount(self, game: ContinuousGame, view: MoveView) -> float:
        """Against the others' numbers of the last round (a forfeited or unseen move: the middle of its range)."""
        last = view.history[-1].amounts if view.history else None
        others = []
        for seat in range(len(game.players)):
            low, high = game.action_range(seat)
            seen = last[seat] if last is not None else None
            others.append(seen if seen is not None else (low + high) / 2)
        values = [view.private_value or 0.0] * len(game.players) if view.private_value is not None else None
        return game.best_response(view.seat, others, values)[0]


class EquilibriumPlayer(_Scripted):
    """Plays an equilibrium the tools compute: in a matrix game the first pure Nash equilibrium (so two equilibrium
    players coordinate on the same one), or, without a pure one, draws from the first mixed equilibrium; in a tree
    the first subgame-perfect strategy (off the path too); in a continuous game the seat's equilibrium action (its
    bid function at its own value in an auction)."""

    name = "equilibrium"

    def choose_amount(self, game: ContinuousGame, view: MoveView) -> float:
        return game.equilibrium_action(view.seat, view.private_value)

    def choose(self, game: Game, view: MoveView) -> str:
        if isinstance(game, SequentialGame):
            solution = tree_solution(game)
            key = tuple(view.path)
            if key in solution.strategy:
                return solution.strategy[key]
            return tree_solution(subtree_game(game, key)).strategy[()]
        solution = matrix_solution(game)
        if solution.pure:
            return game.actions[view.seat][sorted(solution.pure)[0][view.seat]]
        mix = solution.mixed[0][view.seat]
        return _rng(view, "equilibrium").choices(game.actions[view.seat], weights=mix)[0]


MoveSource = Callable[[MoveView], "str | Decision"]


class HumanPlayer:
    """A person's moves, from ``source(view)``: a UI callback, or a queue's ``get`` (``HumanPlayer.with_queue()``).

    The match asks for the move outside its graph (``deferred``), emits an ``awaiting_move`` event first, and checks
    the answer like any other: an action that is not legal is a forfeit, never replaced.
    """

    deferred = True

    def __init__(self, source: MoveSource, name: str = "human"):
        self.source = source
        self.name = name

    @classmethod
    def with_queue(cls, name: str = "human") -> tuple[HumanPlayer, Any]:
        """A human player fed by a ``queue.Queue``: put action labels (or Decisions) on it from the UI thread."""
        import queue

        moves: queue.Queue[str | Decision] = queue.Queue()
        return cls(lambda view: moves.get(), name), moves

    def check(self, game: Game) -> None:
        return None

    def decide(self, game: Game, views: Sequence[MoveView]) -> list[Decision]:
        decisions = []
        for view in views:
            answer = self.source(view)
            decisions.append(answer if isinstance(answer, Decision) else Decision(action=str(answer)))
        return decisions


SCRIPTED: dict[str, Callable[[], Player]] = {
    "random": RandomPlayer,
    "tit-for-tat": TitForTatPlayer,
    "grim": GrimTriggerPlayer,
    "best-response": BestResponsePlayer,
    "equilibrium": EquilibriumPlayer,
}
ALIASES = {"tft": "tit-for-tat", "grim-trigger": "grim", "br": "best-response", "nash": "equilibrium"}


def player_specs() -> list[str]:
    """The spec strings ``make_player`` understands."""
    return [*SCRIPTED, "always:LABEL", "human", "llm", "llm:BACKEND"]


def make_player(
    spec: str | Player,
    *,
    llm: Any = None,
    human: MoveSource | None = None,
    llm_options: dict[str, Any] | None = None,
) -> Player:
    """A player from its spec string (see the module docstring); a Player passes through.

    ``llm`` is the model for ``llm`` specs (an ``reasonsuite.llm.LLM``); ``llm_options`` go to :class:`LLMPlayer`
    (``reasoning``, ``params``); ``human`` is the move source for ``human``.
    """
    if not isinstance(spec, str):
        return spec
    text = spec.strip()
    key = ALIASES.get(text.lower(), text.lower())
    if key in SCRIPTED:
        return SCRIPTED[key]()
    if key.startswith("always:") or key.startswith("always-"):
        action = text.split(":", 1)[1] if ":" in text else text.split("-", 1)[1]
        if not action.strip():
            raise GameError("players", f"{spec!r}: say which action, e.g. always:defect or always:1")
        return AlwaysPlayer(action.strip())
    if key == "human":
        if human is None:
            raise GameError("players", "'human' needs a move source (HumanPlayer(source) or make_player(..., human=…))")
        return HumanPlayer(human)
    if key == "llm" or key.startswith("llm:"):
        if llm is None:
            raise GameError("players", f"{spec!r} needs a model: pass llm=… (the CLI loads the configured backend)")
        from .llm_player import LLMPlayer

        return LLMPlayer(llm, name=text, **(llm_options or {}))
    raise GameError("players", f"unknown player {spec!r}; expected one of {', '.join(player_specs())}")

"""Prompt text of the LLM player. Short and concrete on purpose: small models lose track of long rule texts."""

from __future__ import annotations

from .continuous import ContinuousGame
from .games import Game, MatrixGame, SequentialGame, TreeNode
from .state import MoveView

MATRIX = """You are {me} in the game "{game}". {description}
You and {other} choose at the same time. Your actions: {actions}. {other}'s actions: {other_actions}.
Payoffs (yours, {other}'s) for each pair of choices:
{table}
{rounds}{history}Choose your action to maximise your own total payoff."""

SEQUENTIAL = """You are {me} in the game "{game}". {description}
Players move in turn down this game tree; payoffs are listed as ({players}):
{tree}
{rounds}{history}Moves so far this round: {path}. It is your turn; your legal moves: {actions}.
Choose your move to maximise your own total payoff."""

SEQUENTIAL_RULES = """You are {me} in the game "{game}". {description}
Players move in turn. {tree}
{rounds}{history}Moves so far this round: {path}. It is your turn; your legal moves: {actions}.
Choose your move to maximise your own total payoff."""

CONTINUOUS = """You are {me} in the game "{game}". {description}
{rules}
{private}{rounds}{history}Choose your {what}: a number from {low} to {high}, to maximise your own total payoff."""

ANSWER_REASONING = "Answer as JSON: first a short `reasoning`, then your `action`."
ANSWER_ACTION = "Answer as JSON with your `action`."


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _matrix_table(game: MatrixGame, seat: int) -> str:
    other = 1 - seat
    lines = []
    for i, mine in enumerate(game.actions[seat]):
        for j, theirs in enumerate(game.actions[other]):
            profile = (i, j) if seat == 0 else (j, i)
            cell = game.payoffs[profile[0]][profile[1]]
            lines.append(f"- you {mine}, {game.players[other]} {theirs}: ({_number(cell[seat])}, "
                         f"{_number(cell[other])})")
    return "\n".join(lines)


def _tree_lines(node: TreeNode, depth: int, label: str, lines: list[str]) -> None:
    indent = "  " * depth
    if node.payoffs is not None:
        lines.append(f"{indent}{label} -> payoffs ({', '.join(_number(x) for x in node.payoffs)})")
        return
    lines.append(f"{indent}{label}{node.player} chooses:" if label else f"{indent}{node.player} chooses:")
    for move, child in (node.moves or {}).items():
        _tree_lines(child, depth + 1, f"move {move}: " if child.payoffs is None else f"move {move}", lines)


def _history(game: Game, view: MoveView) -> str:
    if not view.history:
        return ""
    lines = ["Earlier rounds:"]
    for past in view.history:
        if isinstance(game, MatrixGame | ContinuousGame):
            moves = ", ".join(f"{game.players[k]} {a if a is not None else 'forfeited'}"
                              for k, a in enumerate(past.actions))
        else:
            moves = " then ".join(f"{game.players[s]} {a if a is not None else 'forfeited'}"
                                  for s, a in zip(past.movers, past.actions, strict=True))
        payoff = (f"payoffs ({', '.join(_number(x) for x in past.payoffs)})" if past.payoffs is not None
                  else "no payoffs (forfeit)")
        lines.append(f"- round {past.round + 1}: {moves}; {payoff}")
    return "\n".join(lines) + "\n"


def _rounds(view: MoveView) -> str:
    if view.rounds == 1:
        return ""
    text = f"This is round {view.round + 1} of {view.rounds}."
    if view.discount < 1:
        text += f" Payoffs of later rounds are discounted by {view.discount:g} per round."
    return text + "\n"


def move_prompt(game: Game, view: MoveView, reasoning: bool) -> str:
    """The user message asking ``view``'s player for one move."""
    me = game.players[view.seat]
    answer = ANSWER_REASONING if reasoning else ANSWER_ACTION
    if isinstance(game, ContinuousGame):
        low, high = view.action_range or game.action_range(view.seat)
        private = f"Your value for the item: {_number(view.private_value)}.\n" if view.private_value is not None else ""
        body = CONTINUOUS.format(
            me=me, game=game.name, description=game.description, rules=game.rules(view.seat), private=private,
            rounds=_rounds(view), history=_history(game, view), what=game.action_name, low=_number(low),
            high=_number(high),
        )  # fmt: skip
    elif isinstance(game, MatrixGame):
        other = game.players[1 - view.seat]
        body = MATRIX.format(
            me=me, game=game.name, description=game.description, other=other,
            actions=", ".join(game.actions[view.seat]), other_actions=", ".join(game.actions[1 - view.seat]),
            table=_matrix_table(game, view.seat), rounds=_rounds(view), history=_history(game, view),
        )  # fmt: skip
    else:
        assert isinstance(game, SequentialGame)
        lines: list[str] = []
        if game.rules:  # a generated tree too large to print usefully (the ultimatum game): the rules in words
            lines.append(game.rules)
        else:
            _tree_lines(game.tree, 0, "", lines)
        body = (SEQUENTIAL_RULES if game.rules else SEQUENTIAL).format(
            me=me, game=game.name, description=game.description, players=", ".join(game.players),
            tree="\n".join(lines), rounds=_rounds(view), history=_history(game, view),
            path=" then ".join(view.path) if view.path else "none", actions=", ".join(view.legal_actions),
        )  # fmt: skip
    return f"{body}\n{answer}"

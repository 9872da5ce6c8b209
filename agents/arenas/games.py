"""Games as data: two-player matrix games and finite perfect-information trees, read from JSON or YAML files.

A user adds a game by writing a file, never code. Three layouts are read:

- ours: ``{"games": {NAME: GAME, ...}}`` where GAME is a matrix game (``kind: matrix``, ``payoffs[i][j] = [row, col]``
  or ``row_payoffs``/``col_payoffs``), a tree (``kind: sequential``, ``tree`` of ``player``/``moves`` nodes and
  ``payoffs`` leaves), an ultimatum game (``kind: ultimatum``, ``pie``: generated as a tree) or a continuous-action
  game (``kind: cournot | bertrand | auction | guessing``, see ``continuous.py``);
- one game: a GAME object with a ``name``;
- the Hua et al. layout of the shipped seed file (``{"simultaneous": {...}, "sequential": {...}}``), whose names,
  action labels and expected subgame-perfect paths come from ``hua_annotations.yaml`` beside it.

Every problem in a file raises :class:`GameError` naming the file and the field, in the path notation a person would
use to find it (``games.stag_hunt.payoffs[1][0]: expected 2 numbers, got 3``).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field

from .base import GameError, GameModel, Label
from .base import field_path as _path
from .base import finite_number as _number
from .base import validated as _validated
from .continuous import CONTINUOUS_KINDS, AuctionGame, BertrandGame, ContinuousGame, CournotGame, GuessingGame

__all__ = [
    "AuctionGame",
    "BertrandGame",
    "ContinuousGame",
    "CournotGame",
    "Game",
    "GameError",
    "MatrixGame",
    "SequentialGame",
    "GuessingGame",
    "TreeNode",
    "builtin_games",
    "get_game",
    "load_games",
    "parse_game",
    "ultimatum_tree",
]

MAX_ACTIONS = 50
MAX_TREE_NODES = 10_000
_Model = GameModel


class MatrixGame(_Model):
    """A two-player simultaneous game: ``payoffs[i][j]`` is [row player's, column player's] payoff when the row
    player plays action i and the column player action j."""

    kind: Literal["matrix"] = "matrix"
    name: Label
    description: str = ""
    players: list[Label] = Field(default_factory=lambda: ["Alice", "Bob"], min_length=2, max_length=2)
    actions: list[list[Label]] = Field(description="action labels per player (default '1'..'n', as the source numbers "
                                       "them)")
    payoffs: list[list[list[float]]]
    cooperative_actions: list[Label] | None = Field(
        None, description="per player, the action that counts as cooperating (repeated-game cooperation rate, "
        "tit-for-tat and grim trigger); None: the game has no cooperative action"
    )
    tags: list[str] = Field(default_factory=list)
    source: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.payoffs), len(self.payoffs[0])

    def payoff(self, seat: int, profile: tuple[int, int]) -> float:
        return self.payoffs[profile[0]][profile[1]][seat]

    def legal_actions(self, seat: int) -> list[str]:
        return list(self.actions[seat])

    def cooperative_index(self, seat: int) -> int | None:
        if self.cooperative_actions is None:
            return None
        return self.actions[seat].index(self.cooperative_actions[seat])


class TreeNode(_Model):
    """A decision node (``player`` and ``moves``: move label -> subtree) or a leaf (``payoffs``, one per player)."""

    player: Label | None = None
    moves: dict[Label, TreeNode] | None = None
    payoffs: list[float] | None = None

    def at(self, path: Iterable[str]) -> TreeNode:
        node = self
        for move in path:
            assert node.moves is not None
            node = node.moves[move]
        return node


class SequentialGame(_Model):
    """A finite game of perfect information played down a tree; ``expected_path`` is the subgame-perfect path the
    source lists (checked against the backward-induction tool in the tests)."""

    kind: Literal["sequential"] = "sequential"
    name: Label
    description: str = ""
    players: list[Label] = Field(min_length=2)
    tree: TreeNode
    expected_path: list[Label] | None = None
    rules: str = Field("", description="the rules in words; when set, the LLM player reads them instead of the "
                       "printed tree (large generated trees such as the ultimatum game)")
    tags: list[str] = Field(default_factory=list)
    source: str = ""

    def legal_actions(self, seat: int, path: Iterable[str] = ()) -> list[str]:
        node = self.tree.at(path)
        return list(node.moves or {})


Game = MatrixGame | SequentialGame | ContinuousGame


# --- validation with field paths ----------------------------------------------------------------------------------


def _list(value: Any, field: str, what: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise GameError(field, f"expected a non-empty list of {what}, got {value!r}"[:200])
    return value


def _matrix(value: Any, field: str, width: int | None = None) -> list[list[float]]:
    rows = _list(value, field, "rows")
    width = width or len(_list(rows[0], f"{field}[0]", "numbers"))
    for i, row in enumerate(rows):
        row = _list(row, f"{field}[{i}]", "numbers")
        if len(row) != width:
            raise GameError(f"{field}[{i}]", f"row {i} has {len(row)} entries, expected {width} like row 0")
        for j, x in enumerate(row):
            _number(x, f"{field}[{i}][{j}]")
    return rows


def _matrix_payoffs(raw: dict[str, Any], where: str) -> list[list[list[float]]]:
    """The payoff cells [[row, col], ...] from either layout, checked cell by cell."""
    has_split = "row_payoffs" in raw or "col_payoffs" in raw
    if has_split and "payoffs" in raw:
        raise GameError(_path(where, ["payoffs"]), "give payoffs OR row_payoffs/col_payoffs, not both")
    if has_split:
        for key in ("row_payoffs", "col_payoffs"):
            if key not in raw:
                raise GameError(_path(where, [key]), "missing: a matrix game needs both row_payoffs and col_payoffs")
        row = _matrix(raw["row_payoffs"], _path(where, ["row_payoffs"]))
        col = _matrix(raw["col_payoffs"], _path(where, ["col_payoffs"]), len(row[0]))
        if len(col) != len(row):
            raise GameError(_path(where, ["col_payoffs"]), f"{len(col)} rows, expected {len(row)} like row_payoffs")
        return [[[r, c] for r, c in zip(rr, cr, strict=True)] for rr, cr in zip(row, col, strict=True)]
    if "payoffs" not in raw:
        raise GameError(_path(where, ["payoffs"]), "missing: give payoffs[i][j] = [row, col] (or row_payoffs and "
                        "col_payoffs)")
    field = _path(where, ["payoffs"])
    rows = _list(raw["payoffs"], field, "rows")
    width = len(_list(rows[0], f"{field}[0]", "cells"))
    for i, row in enumerate(rows):
        row = _list(row, f"{field}[{i}]", "cells")
        if len(row) != width:
            raise GameError(f"{field}[{i}]", f"row {i} has {len(row)} cells, expected {width} like row 0")
        for j, cell in enumerate(row):
            here = f"{field}[{i}][{j}]"
            if not isinstance(cell, list) or len(cell) != 2:
                got = len(cell) if isinstance(cell, list) else repr(cell)
                raise GameError(here, f"expected 2 numbers [row payoff, column payoff], got {got}")
            for k, x in enumerate(cell):
                _number(x, f"{here}[{k}]")
    return rows


def _labels(given: Any, count: int, field: str, what: str) -> list[str]:
    if given is None:
        return [str(i + 1) for i in range(count)]
    if not isinstance(given, list) or len(given) != count:
        n = len(given) if isinstance(given, list) else repr(given)
        raise GameError(field, f"expected {count} labels (one per {what}), got {n}")
    labels = [str(x).strip() for x in given]
    duplicates = sorted({x for x in labels if labels.count(x) > 1})
    if duplicates:
        raise GameError(field, f"duplicate labels {duplicates}")
    return labels


def _matrix_game(name: str, raw: dict[str, Any], where: str) -> MatrixGame:
    payoffs = _matrix_payoffs(raw, where)
    shape = (len(payoffs), len(payoffs[0]))
    for seat, size in enumerate(shape):
        if size > MAX_ACTIONS:
            raise GameError(_path(where, ["payoffs"]), f"player {seat + 1} has {size} actions; at most {MAX_ACTIONS}")
    actions_raw = raw.get("actions")
    if actions_raw is not None and (not isinstance(actions_raw, list) or len(actions_raw) != 2):
        raise GameError(_path(where, ["actions"]), "expected two lists of labels, one per player")
    actions = [
        _labels(actions_raw[k] if actions_raw else None, shape[k], _path(where, ["actions", k]),
                "row" if k == 0 else "column")
        for k in range(2)
    ]
    body = {k: v for k, v in raw.items() if k not in ("row_payoffs", "col_payoffs", "payoffs", "actions")}
    body.update(name=name, payoffs=payoffs, actions=actions)
    game = _validated(MatrixGame, body, where)
    if game.cooperative_actions is not None:
        field = _path(where, ["cooperative_actions"])
        if len(game.cooperative_actions) != 2:
            raise GameError(field, f"expected 2 labels (one per player), got {len(game.cooperative_actions)}")
        for seat, label in enumerate(game.cooperative_actions):
            if label not in game.actions[seat]:
                raise GameError(f"{field}[{seat}]", f"{label!r} is not one of {game.actions[seat]}")
    return game


def _check_tree(node: Any, field: str, count: list[int]) -> None:
    """Leaf or decision node, bounded size; checked on the raw data so errors name the node's path."""
    count[0] += 1
    if count[0] > MAX_TREE_NODES:
        raise GameError(field, f"the tree has more than {MAX_TREE_NODES} nodes")
    if not isinstance(node, dict):
        raise GameError(field, f"expected a node object (player/moves or payoffs), got {node!r}"[:200])
    if "payoffs" in node:
        extra = sorted(set(node) - {"payoffs"})
        if extra:
            raise GameError(field, f"a leaf has only `payoffs`, got also {extra}")
        for k, x in enumerate(_list(node["payoffs"], f"{field}.payoffs", "numbers")):
            _number(x, f"{field}.payoffs[{k}]")
        return
    if "moves" not in node or "player" not in node:
        missing = "moves" if "moves" not in node else "player"
        raise GameError(field, f"missing `{missing}`: a decision node has `player` and `moves`, a leaf `payoffs`")
    moves = node["moves"]
    if not isinstance(moves, dict) or not moves:
        raise GameError(f"{field}.moves", "expected a non-empty object: move label -> subtree")
    for label, child in moves.items():
        _check_tree(child, f"{field}.moves.{label}", count)


def _tree_players(node: TreeNode, seen: dict[str, None]) -> None:
    if node.player is not None:
        seen.setdefault(node.player, None)
    for child in (node.moves or {}).values():
        _tree_players(child, seen)


def _check_tree_semantics(node: TreeNode, players: list[str], field: str) -> None:
    if node.payoffs is not None:
        if len(node.payoffs) != len(players):
            raise GameError(f"{field}.payoffs", f"expected {len(players)} numbers (one per player), "
                            f"got {len(node.payoffs)}")
        return
    if node.player not in players:
        raise GameError(f"{field}.player", f"unknown player {node.player!r}; expected one of {players}")
    for label, child in (node.moves or {}).items():
        _check_tree_semantics(child, players, f"{field}.moves.{label}")


def _sequential_game(name: str, raw: dict[str, Any], where: str) -> SequentialGame:
    if "tree" not in raw:
        raise GameError(_path(where, ["tree"]), "missing: a sequential game needs a `tree`")
    _check_tree(raw["tree"], _path(where, ["tree"]), [0])
    body = dict(raw, name=name)
    if "players" not in body:
        seen: dict[str, None] = {}
        _tree_players(_validated(TreeNode, raw["tree"], _path(where, ["tree"])), seen)
        body["players"] = list(seen)
    game = _validated(SequentialGame, body, where)
    if len(set(game.players)) != len(game.players):
        raise GameError(_path(where, ["players"]), f"duplicate player names {game.players}")
    _check_tree_semantics(game.tree, game.players, _path(where, ["tree"]))
    if game.expected_path is not None:
        node = game.tree
        for step, move in enumerate(game.expected_path):
            if node.moves is None or move not in node.moves:
                legal = list(node.moves or {})
                raise GameError(_path(where, ["expected_path", step]), f"move {move!r} is not legal there "
                                f"(legal: {legal or 'none, a leaf was reached'})")
            node = node.moves[move]
        if node.payoffs is None:
            raise GameError(_path(where, ["expected_path"]), "the path stops before a leaf")
    return game


MAX_PIE = 1000


def ultimatum_tree(pie: int, accept_label: str = "accept", reject_label: str = "reject") -> dict[str, Any]:
    """The ultimatum game's tree: the proposer offers k of ``pie`` units (moves "0".."pie"); the responder accepts
    (proposer pie - k, responder k) or rejects (both 0)."""
    return {
        "player": "Proposer",
        "moves": {str(k): {"player": "Responder", "moves": {accept_label: {"payoffs": [pie - k, k]},
                                                             reject_label: {"payoffs": [0, 0]}}}
                  for k in range(pie + 1)},
    }  # fmt: skip


def _ultimatum_game(name: str, raw: dict[str, Any], where: str) -> SequentialGame:
    """``kind: ultimatum`` with a whole-unit ``pie``: generated as a tree, so the referee, the equilibrium player and
    the subgame-perfect metrics are those of every sequential game (the equilibria come from backward induction)."""
    extra = sorted(set(raw) - {"kind", "pie", "players", "description", "tags", "source"})
    if extra:
        raise GameError(_path(where, [extra[0]]), "unknown field; an ultimatum game takes pie, players, description, "
                        "tags, source")  # fmt: skip
    pie = raw.get("pie", 10)
    if isinstance(pie, bool) or not isinstance(pie, int) or not 1 <= pie <= MAX_PIE:
        raise GameError(_path(where, ["pie"]), f"expected a whole number of units from 1 to {MAX_PIE}, got {pie!r}")
    players = raw.get("players", ["Proposer", "Responder"])
    if not isinstance(players, list) or len(players) != 2 or len({str(p) for p in players}) != 2:
        raise GameError(_path(where, ["players"]), f"expected 2 distinct names [proposer, responder], got {players!r}")
    proposer, responder = (str(p) for p in players)
    tree = ultimatum_tree(pie)
    tree["player"] = proposer
    for child in tree["moves"].values():
        child["player"] = responder
    rules = (f"{proposer} proposes how to split {pie} coins: {proposer} offers {responder} a whole number of coins "
             f"from 0 to {pie} (the move is the number offered). Then {responder} accepts or rejects. Accept: "
             f"{responder} gets the offer and {proposer} keeps the rest. Reject: both get 0.")  # fmt: skip
    body = {"kind": "sequential", "players": [proposer, responder], "tree": tree, "rules": rules,
            "description": raw.get("description", "Ultimatum game (bargaining)."),
            "tags": raw.get("tags", ["bargaining", "sequential"]), "source": raw.get("source", "")}  # fmt: skip
    return _sequential_game(name, body, where)


def parse_game(name: str, raw: Any, where: str = "") -> Game:
    """One game from its JSON/YAML object; ``where`` prefixes field paths in errors (e.g. ``games.stag_hunt``)."""
    where = where or name
    if not isinstance(raw, dict):
        raise GameError(where, f"expected a game object, got {type(raw).__name__}")
    kind = raw.get("kind") or ("sequential" if "tree" in raw else "matrix")
    if kind == "matrix":
        return _matrix_game(name, raw, where)
    if kind == "sequential":
        return _sequential_game(name, raw, where)
    if kind == "ultimatum":
        return _ultimatum_game(name, raw, where)
    if kind in CONTINUOUS_KINDS:
        return _validated(CONTINUOUS_KINDS[kind], {**raw, "name": name}, where)
    kinds = ", ".join(["matrix", "sequential", "ultimatum", *CONTINUOUS_KINDS])
    raise GameError(_path(where, ["kind"]), f"unknown kind {kind!r}; expected one of {kinds}")


# --- files ------------------------------------------------------------------------------------------------------------


def _read(path: Path) -> Any:
    if not path.is_file():
        raise GameError(str(path), "no such file")
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        raise GameError(str(path), f"not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {err}") from None


def _hua_layout(data: dict[str, Any], annotations: Mapping[str, Any]) -> dict[str, Any]:
    """The seed file's layout as ours: matrices keep row/col payoffs; each sequential entry is its tree's root."""
    games: dict[str, Any] = {}
    for name, entry in (data.get("simultaneous") or {}).items():
        games[name] = {"kind": "matrix", **{k: v for k, v in entry.items()}}
    for name, root in (data.get("sequential") or {}).items():
        games[name] = {"kind": "sequential", "tree": root}
    for name, extra in annotations.items():
        if name not in games:
            raise GameError(f"annotations.{name}", "annotates a game the seed file does not have")
        games[name].update(extra)
    return games


def _games_in(data: Any, source: Path | None, annotations: Mapping[str, Any] | None = None) -> dict[str, Game]:
    prefix = f"{source}: " if source else ""
    try:
        if isinstance(data, dict) and ("simultaneous" in data or "sequential" in data):
            raw_games = _hua_layout(data, annotations or {})
            where = ""
        elif isinstance(data, dict) and "games" in data:
            raw_games = data["games"]
            if not isinstance(raw_games, dict):
                raise GameError("games", "expected an object: game name -> game")
            where = "games."
        elif isinstance(data, dict) and "name" in data:
            raw_games = {str(data["name"]): {k: v for k, v in data.items() if k != "name"}}
            where = ""
        else:
            raise GameError("", "expected {games: {NAME: GAME}}, one GAME with a name, or the Hua layout "
                            "{simultaneous: ..., sequential: ...}")
        source_note = source.name if source else ""
        games = {}
        for name, raw in raw_games.items():
            game = parse_game(str(name), raw, f"{where}{name}")
            if source_note and not game.source:
                game = game.model_copy(update={"source": source_note})
            games[str(name)] = game
        return games
    except GameError as err:
        raise GameError(f"{prefix}{err.field}".rstrip(": "), err.problem) from None


def games_dir() -> Path:
    """The ``games`` folder of the installed ``reasonsuite.data`` package (found without importing its loaders)."""
    spec = importlib.util.find_spec("reasonsuite.data")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the reasonsuite.data package folder was not found; is reasonsuite installed?")
    return Path(next(iter(spec.submodule_search_locations))) / "games"


@cache
def builtin_games() -> dict[str, Game]:
    """The shipped games: the Hua et al. suite (seed payoffs + annotations), then any other game file shipped."""
    folder = games_dir()
    annotations = _read(folder / "hua_annotations.yaml") or {}
    games = _games_in(_read(folder / "hua_games.json"), folder / "hua_games.json", annotations.get("games", {}))
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "hua_annotations.yaml":
            continue
        games.update(_games_in(_read(path), path))
    return games


def load_games(path: str | Path | None = None, *, include_builtin: bool = True) -> dict[str, Game]:
    """Games by name: the shipped ones, plus (overriding by name) those in the JSON/YAML file ``path``."""
    games = dict(builtin_games()) if include_builtin else {}
    if path is not None:
        path = Path(path)
        games.update(_games_in(_read(path), path))
    return games


def get_game(name: str | Game, path: str | Path | None = None) -> Game:
    """A game by name (shipped, or from the file ``path``); a Game passes through. Unknown names list close ones."""
    if isinstance(name, MatrixGame | SequentialGame | ContinuousGame):
        return name
    games = load_games(path)
    if name in games:
        return games[name]
    import difflib

    close = difflib.get_close_matches(name, list(games), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known games: {', '.join(sorted(games))}"
    raise GameError("game", f"unknown game {name!r}{hint}")

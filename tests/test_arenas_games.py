"""Games as data: the shipped Hua et al. suite, user game files, and clear errors for bad ones."""

from __future__ import annotations

import hashlib
import json

import pytest

from reasonsuite.agents.arenas import GameError, MatrixGame, SequentialGame, get_game, load_games
from reasonsuite.agents.arenas.equilibria import matrix_solution, tree_solution
from reasonsuite.agents.arenas.games import games_dir

SEED_SHA256 = "6bdd541b0bc2b90a82a2704df4a6b97db5aa9f9f1f1538d12b2986ef0409696d"
RECON = {"prisoner_dilemma", "stag_hunt", "battle_of_sexes", "wait_go_game", "duopolistic_competition",
         "escalation_game", "monopoly_game", "hot_cold_game", "draco", "trigame"}  # fmt: skip


def test_shipped_seed_file_is_the_seed_byte_for_byte():
    assert hashlib.sha256((games_dir() / "hua_games.json").read_bytes()).hexdigest() == SEED_SHA256


def test_every_seed_game_loads_with_the_seed_payoffs():
    games = load_games()
    seed = json.loads((games_dir() / "hua_games.json").read_text())
    assert set(seed["simultaneous"]) | set(seed["sequential"]) <= set(games)
    for name, entry in seed["simultaneous"].items():
        game = games[name]
        assert isinstance(game, MatrixGame)
        assert [[c[0] for c in row] for row in game.payoffs] == entry["row_payoffs"]
        assert [[c[1] for c in row] for row in game.payoffs] == entry["col_payoffs"]
    for name, root in seed["sequential"].items():
        assert isinstance(games[name], SequentialGame)
        assert games[name].tree.model_dump(exclude_none=True) == root
    assert {name for name, g in games.items() if "recon" in g.tags} == RECON


def test_prisoners_dilemma_labels_and_its_one_equilibrium():
    pd = get_game("prisoner_dilemma")
    assert pd.actions == [["cooperate", "defect"], ["cooperate", "defect"]]
    assert pd.payoffs[1][0] == [5, 0]  # defect against cooperate
    assert matrix_solution(pd).pure == {(1, 1)}


@pytest.mark.parametrize("name", ["escalation_game", "monopoly_game", "trigame", "hot_cold_game", "draco"])
def test_backward_induction_gives_the_listed_subgame_perfect_path(name):
    game = get_game(name)
    assert tree_solution(game).paths == {tuple(game.expected_path)}


def test_user_file_adds_and_overrides_games(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("""
games:
  coordination:
    description: Meet at the same place.
    actions: [[left, right], [left, right]]
    payoffs: [[[2, 2], [0, 0]], [[0, 0], [1, 1]]]
  entry:
    players: [Firm, Rival]
    tree:
      player: Firm
      moves:
        out: {payoffs: [0, 3]}
        in: {player: Rival, moves: {fight: {payoffs: [-1, -1]}, share: {payoffs: [1, 1]}}}
    expected_path: [in, share]
""")
    games = load_games(path)
    assert "prisoner_dilemma" in games
    assert matrix_solution(games["coordination"]).pure == {(0, 0), (1, 1)}
    assert tree_solution(games["entry"]).paths == {("in", "share")}
    assert games["entry"].source == "mine.yaml"
    assert get_game("entry", path).players == ["Firm", "Rival"]


def test_single_game_json_file(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"name": "tiny", "row_payoffs": [[1, 0], [0, 1]], "col_payoffs": [[1, 0], [0, 1]]}))
    game = load_games(path, include_builtin=False)["tiny"]
    assert game.actions == [["1", "2"], ["1", "2"]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"stag_hunt": {"payoffs": [[[3, 3], [0, 1]], [[1, 0, 7], [1, 1]]]}},
         "games.stag_hunt.payoffs[1][0]: expected 2 numbers [row payoff, column payoff], got 3"),
        ({"g": {"payoffs": [[[3, 3], [0, 1]], [[1, 0]]]}}, "games.g.payoffs[1]: row 1 has 1 cells, expected 2"),
        ({"g": {"payoffs": [[[3, "x"]]]}}, "games.g.payoffs[0][0][1]: expected a number, got 'x'"),
        ({"g": {"row_payoffs": [[1, 2]], "col_payoffs": [[1, 2], [3, 4]]}}, "games.g.col_payoffs: 2 rows, expected 1"),
        ({"g": {"row_payoffs": [[1, 2]]}}, "games.g.col_payoffs: missing"),
        ({"g": {"payoffs": [[[1, 1]]], "actions": [["a", "b"], ["c"]]}}, "games.g.actions[0]: expected 1 labels"),
        ({"g": {"payoffs": [[[1, 1]]], "colour": "red"}}, "games.g.colour: Extra inputs are not permitted"),
        ({"g": {"kind": "lottery"}}, "games.g.kind: unknown kind 'lottery'"),
        ({"g": {"payoffs": [[[1, 1], [0, 0]]], "cooperative_actions": ["1", "3"]}},
         "games.g.cooperative_actions[1]: '3' is not one of ['1', '2']"),
        ({"t": {"players": ["A", "B"], "tree": {"player": "A", "moves": {"x": {"payoffs": [1, 2, 3]}}}}},
         "games.t.tree.moves.x.payoffs: expected 2 numbers (one per player), got 3"),
        ({"t": {"players": ["A", "B"], "tree": {"player": "C", "moves": {"x": {"payoffs": [1, 2]}}}}},
         "games.t.tree.player: unknown player 'C'"),
        ({"t": {"tree": {"player": "A", "moves": {"x": {"player": "A"}}}}}, "games.t.tree.moves.x: missing `moves`"),
        ({"t": {"players": ["A", "B"], "tree": {"player": "A", "moves": {"x": {"payoffs": [1, 2]}}},
                "expected_path": ["y"]}}, "games.t.expected_path[0]: move 'y' is not legal there"),
    ],
)
def test_bad_game_files_name_the_file_and_the_field(tmp_path, body, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"games": body}))
    with pytest.raises(GameError) as caught:
        load_games(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_unreadable_files_and_unknown_games(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("games: [unclosed")
    with pytest.raises(GameError, match="broken.yaml: not valid YAML"):
        load_games(broken)
    with pytest.raises(GameError, match="no such file"):
        load_games(tmp_path / "missing.json")
    with pytest.raises(GameError, match="did you mean prisoner_dilemma"):
        get_game("prisoners_dilemma")


def test_provenance_lists_the_sha256_of_every_shipped_game_file():
    text = (games_dir() / "PROVENANCE.md").read_text()
    shipped = sorted(p for p in games_dir().iterdir() if p.suffix in (".json", ".yaml"))
    assert shipped
    for path in shipped:
        assert f"| {path.name} | {hashlib.sha256(path.read_bytes()).hexdigest()} |" in text, path.name

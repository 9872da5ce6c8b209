"""Game-theory arenas: LLM, scripted and equilibrium players in matrix games and game trees, with a referee.

    from reasonsuite.agents.arenas import load_games, play_match, run_tournament
    match = play_match("prisoner_dilemma", ["tit-for-tat", "grim"], rounds=10)
    match.rounds[0].actions                      # ['cooperate', 'cooperate']
    t = run_tournament("stag_hunt", ["llm", "equilibrium"], trials=20, llm=llm)
    t.metrics[0].equilibrium_rate.mean, t.metrics[0].equilibrium_rate.ci95

Games are data (``data/games/``, or any JSON/YAML file: ``load_games(path)``): matrix games, trees, the ultimatum
game, and continuous-action games (Cournot, Bertrand, sealed-bid auctions, p-of-the-average guessing); equilibria
come from the game tools (``nash_equilibria``, ``best_response``, ``backward_induction``, ``oligopoly``).
``run_league`` ranks several players on one game by Elo and normalized relative advantage.

Each match is one LangGraph graph (a node per seat and a referee); deferred players (LLM, human) are asked in batches
across the matches of a tournament.
"""

from .continuous import AuctionGame, BertrandGame, ContinuousGame, CournotGame, GuessingGame
from .games import Game, GameError, MatrixGame, SequentialGame, TreeNode, builtin_games, get_game, load_games
from .league import LeagueResult, PairResult, Rating, run_league
from .llm_player import LLMPlayer
from .metrics import Estimate, PlayerMetrics
from .players import (
    AlwaysPlayer,
    BestResponsePlayer,
    EquilibriumPlayer,
    GrimTriggerPlayer,
    HumanPlayer,
    Player,
    RandomPlayer,
    TitForTatPlayer,
    make_player,
    player_specs,
)
from .runner import EventHandler, MatchResult, TournamentResult, play_match, run_tournament
from .state import Decision, MatchConfig, MoveRecord, MoveView, PastRound, RoundRecord

__all__ = [
    "AlwaysPlayer",
    "AuctionGame",
    "BertrandGame",
    "ContinuousGame",
    "CournotGame",
    "BestResponsePlayer",
    "Decision",
    "EquilibriumPlayer",
    "Estimate",
    "EventHandler",
    "Game",
    "GameError",
    "GrimTriggerPlayer",
    "GuessingGame",
    "HumanPlayer",
    "LLMPlayer",
    "LeagueResult",
    "MatchConfig",
    "MatchResult",
    "MatrixGame",
    "MoveRecord",
    "MoveView",
    "PairResult",
    "PastRound",
    "Player",
    "PlayerMetrics",
    "RandomPlayer",
    "Rating",
    "RoundRecord",
    "SequentialGame",
    "TitForTatPlayer",
    "TournamentResult",
    "TreeNode",
    "builtin_games",
    "get_game",
    "load_games",
    "make_player",
    "play_match",
    "player_specs",
    "run_league",
    "run_tournament",
]

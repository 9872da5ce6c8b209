"""`condorcet_winner`: pairwise majority contests from ranked ballots, the Condorcet winner or the cycle.

A Condorcet winner beats every other candidate in a head-to-head majority vote (Condorcet 1785); it need not exist,
because pairwise majorities can cycle. Ballots may rank only some candidates. Two readings of a truncated ballot are
common (Tideman 2006, Collective Decisions and Voting, ch. 7): it says nothing about the pairs it leaves out
("ignored": it votes only in contests between two listed candidates), or every listed candidate is preferred to
every unlisted one ("below_listed", the default; it matches 17 of the 20 Recon-Eval Condorcet items, the other three
being majority cycles or truncated-ballot items whose keys follow neither reading). On complete rankings the two agree.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool

__all__ = ["Ballot", "CondorcetInput", "CondorcetOutput", "condorcet_winner"]

MAX_CANDIDATES = 30


class Ballot(ToolInput):
    count: int = Field(ge=0, le=10**9, description="how many voters cast this ranking")
    ranking: list[str] = Field(
        min_length=1,
        max_length=MAX_CANDIDATES,
        description="candidates from most to least preferred, e.g. ['X', 'O', 'N']",
    )


class CondorcetInput(ToolInput):
    """Ranked ballots (with how many voters cast each) and, optionally, the full list of candidates."""

    ballots: list[Ballot] = Field(
        min_length=1, max_length=200, description="groups of identical rankings, each with its number of voters"
    )
    candidates: list[str] | None = Field(
        None, description="every candidate, including any that no ballot lists (default: those on the ballots)"
    )
    unlisted: Literal["ignored", "below_listed"] = Field(
        "below_listed",
        description="truncated ballots: 'ignored' = a ballot votes only between candidates it lists; 'below_listed' = "
        "a listed candidate beats every unlisted one",
    )


class PairwiseContest(ToolOutput):
    a: str
    b: str
    votes_a: int = Field(description="voters ranking a above b")
    votes_b: int = Field(description="voters ranking b above a")
    winner: str | None = Field(description="the majority winner, null on a tie")


class CondorcetOutput(ToolOutput):
    candidates: list[str]
    voters: int
    contests: list[PairwiseContest]
    condorcet_winner: str | None = Field(description="the candidate beating every other head to head, or null")
    weak_condorcet_winners: list[str] = Field(description="candidates never beaten head to head (ties allowed)")
    condorcet_loser: str | None = Field(description="the candidate losing to every other head to head, or null")
    copeland_scores: dict[str, float] = Field(description="pairwise wins + half the ties, per candidate")
    majority_cycle: bool = Field(description="true when there is no weak Condorcet winner (pairwise majorities cycle)")


@register_tool("condorcet_winner")
def condorcet_winner(inp: CondorcetInput) -> CondorcetOutput:
    """Condorcet winner from ranked ballots: every head-to-head majority contest, the winner, or the cycle.

    Each ballot group ranks candidates best first; a ballot that leaves candidates out votes only between the ones it
    lists (unlisted="ignored") or ranks the listed above the missing (unlisted="below_listed", default). Reports every
    pairwise tally, the Condorcet winner (beats all others; null when none), weak winners (never beaten), the
    Condorcet loser, Copeland scores and whether the majorities cycle.
    """
    for n, ballot in enumerate(inp.ballots):
        if len(set(ballot.ranking)) != len(ballot.ranking):
            raise ToolInputError(f"ballots.{n}.ranking", "a candidate appears twice in one ranking")
    listed = list(dict.fromkeys(c for ballot in inp.ballots for c in ballot.ranking))
    if inp.candidates is not None:
        unknown = [c for c in listed if c not in inp.candidates]
        if unknown:
            raise ToolInputError("candidates", f"ballots rank {unknown}, which are not among the candidates")
        candidates = list(dict.fromkeys(inp.candidates))
    else:
        candidates = listed
    if len(candidates) < 2:
        raise ToolInputError("candidates", "need at least two candidates")
    beats = {(a, b): 0 for a in candidates for b in candidates if a != b}
    for ballot in inp.ballots:
        position = {c: k for k, c in enumerate(ballot.ranking)}
        unranked = len(ballot.ranking)
        for a, b in beats:
            if inp.unlisted == "ignored" and (a not in position or b not in position):
                continue
            if position.get(a, unranked) < position.get(b, unranked):
                beats[a, b] += ballot.count
    contests = []
    wins = {c: 0.0 for c in candidates}
    beaten = {c: 0 for c in candidates}
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            va, vb = beats[a, b], beats[b, a]
            winner = a if va > vb else b if vb > va else None
            contests.append(PairwiseContest(a=a, b=b, votes_a=va, votes_b=vb, winner=winner))
            if winner is None:
                wins[a] += 0.5
                wins[b] += 0.5
            else:
                loser = b if winner == a else a
                wins[winner] += 1
                beaten[loser] += 1
    others = len(candidates) - 1
    strong = [c for c in candidates if wins[c] == others]
    weak = [c for c in candidates if beaten[c] == 0]
    losers = [c for c in candidates if beaten[c] == others]
    return CondorcetOutput(
        candidates=candidates,
        voters=sum(ballot.count for ballot in inp.ballots),
        contests=contests,
        condorcet_winner=strong[0] if strong else None,
        weak_condorcet_winners=weak,
        condorcet_loser=losers[0] if losers else None,
        copeland_scores=wins,
        majority_cycle=not weak,
    )

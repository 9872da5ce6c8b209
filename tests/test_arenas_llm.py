"""The LLM player through a scripted fake model: enum-constrained moves, retries then forfeit, batching."""

from __future__ import annotations

import json

from fakes import RespondingLLM

from reasonsuite.agents.arenas import play_match, run_tournament
from reasonsuite.agents.arenas.llm_player import LLMPlayer


class CountingLLM(RespondingLLM):
    """Counts generation calls, so a test can see how many prompts went into each."""

    def __init__(self, respond, **kwargs):
        super().__init__(respond, **kwargs)
        self.batches: list[int] = []

    def _generate_raw(self, conversations, params, json_schema):
        self.batches.append(len(conversations))
        return super()._generate_raw(conversations, params, json_schema)


def move(action: str, reasoning: str = "it pays") -> str:
    return json.dumps({"reasoning": reasoning, "action": action})


def test_llm_move_is_parsed_and_the_action_is_an_enum_of_the_legal_actions():
    llm = RespondingLLM(lambda prompt: move("defect", "defect dominates"))
    match = play_match("prisoner_dilemma", ["llm", "tit-for-tat"], rounds=2, llm=llm)
    assert [r.actions for r in match.rounds] == [["defect", "cooperate"], ["defect", "defect"]]
    first = match.rounds[0].moves[0]
    assert first.reasoning == "defect dominates" and first.attempts == 1 and not first.forfeit
    schema = llm.schemas[0]
    assert schema["properties"]["action"]["enum"] == ["cooperate", "defect"]
    assert list(schema["properties"]) == ["reasoning", "action"]  # reasoning comes before the move
    prompt = llm.prompts[1]
    assert "round 2 of 2" in prompt and "round 1: Alice defect, Bob cooperate; payoffs (5, 0)" in prompt


def test_garbage_is_retried_then_recorded_as_a_forfeit():
    llm = RespondingLLM(lambda prompt: "I will cooperate, obviously.", structured_retries=2)
    match = play_match("prisoner_dilemma", ["llm", "always:cooperate"], llm=llm)
    (record,) = match.rounds
    assert len(llm.prompts) == 3  # the first attempt and two retries, then no more
    bad = record.moves[0]
    assert bad.forfeit and bad.action is None and not bad.illegal
    assert bad.raw == ["I will cooperate, obviously."] * 3 and bad.attempts == 3
    assert "no valid move" in bad.error
    assert record.payoffs is None and not record.equilibrium
    assert match.forfeits == [1, 0]


def test_an_action_outside_the_enum_is_retried_and_a_later_valid_one_kept():
    answers = iter([move("betray"), move("cooperate")])
    llm = RespondingLLM(lambda prompt: next(answers), structured_retries=2)
    match = play_match("prisoner_dilemma", ["llm", "always:cooperate"], llm=llm)
    first = match.rounds[0].moves[0]
    assert first.action == "cooperate" and first.attempts == 2 and not first.forfeit


def test_tree_moves_offer_only_the_moves_at_the_node():
    llm = RespondingLLM(lambda prompt: move("2"), )
    match = play_match("trigame", ["llm", "equilibrium"], llm=llm)
    assert match.rounds[0].actions == ["2", "1", "2"]
    assert "Moves so far this round: 2 then 1" in llm.prompts[-1]
    assert all(s["properties"]["action"]["enum"] == ["1", "2"] for s in llm.schemas)


def test_self_play_tournament_batches_every_match_and_both_seats_in_one_call():
    llm = CountingLLM(lambda prompt: move("stag"))
    result = run_tournament("stag_hunt", ["llm", "llm"], trials=5, rounds=3, llm=llm)
    assert llm.batches == [10, 10, 10]  # one generation per round: 5 matches x 2 seats
    assert all(r.actions == ["stag", "stag"] for m in result.matches for r in m.rounds)
    assert result.metrics[0].equilibrium_rate.mean == 1 and result.metrics[0].forfeit_rate.mean == 0


def test_reasoning_can_be_switched_off():
    llm = RespondingLLM(lambda prompt: json.dumps({"action": "hare"}))
    player = LLMPlayer(llm, reasoning=False)
    match = play_match("stag_hunt", [player, "always:hare"], llm=llm)
    assert match.rounds[0].actions == ["hare", "hare"]
    assert list(llm.schemas[0]["properties"]) == ["action"]

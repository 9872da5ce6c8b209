"""The typed state the MASSE roles share, and the structured records they leave in it.

LangGraph merges each node's partial update into the state; lists that grow through the run (the trace, the design
rounds) use an adding reducer, everything else is replaced. Tool outputs are kept as the tools' own pydantic models,
so the report and the checkpointer see exactly what the tools returned.
"""

from __future__ import annotations

import operator
from typing import Annotated, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from reasonsuite.tools.structural.base_shear import SeismicBaseShearOutput
from reasonsuite.tools.structural.frame_model import FrameInput, FrameOutput, LoadCombination
from reasonsuite.tools.structural.hazard import SeismicHazardOutput
from reasonsuite.tools.structural.member_checks import MemberChecksOutput
from reasonsuite.tools.structural.rack import MemberVerdict, RackDesignBasis
from reasonsuite.tools.structural.rack_loads import StorageRackLoadsOutput
from reasonsuite.tools.structural.rack_problem import RackProblem
from reasonsuite.tools.structural.sections import SectionPropertiesOutput
from reasonsuite.tools.structural.steel_frame import SteelFrameDesignBasis, SteelFrameLoadsOutput
from reasonsuite.tools.structural.steel_frame_problem import SteelFrameProblem


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class TraceEvent(_Record):
    """One thing a role did: a tool call with its arguments and result summary, an LLM call, or a decision."""

    role: str
    kind: Literal["tool", "llm", "decision", "human"]
    name: str = Field(description="tool name, or what was decided")
    detail: str = Field(description="arguments and result in a line a person can read")
    seconds: float = 0.0


class Extraction(_Record):
    """How the problem got into the schema."""

    source: Literal["structured", "rules", "llm", "human"]
    defaults_used: list[str] = Field(default_factory=list, description="fields the text left to documented defaults")
    supplied_by_human: list[str] = Field(default_factory=list, description="fields answered at an interrupt")
    llm_attempts: int = 0


class RedesignProposal(_Record):
    """The Design agent's choice of catalogue sections for the next round (names from the catalogue only)."""

    sections: dict[str, str] = Field(
        default_factory=dict, description="member group (post, brace, column, beam) → catalogue section; others kept"
    )
    reason: str = Field(default="", max_length=500, description="one sentence: why these sections")


class DesignRound(_Record):
    """One analysis of the frame: the sections used and what the checks said."""

    round: int
    sections: dict[str, str] = Field(description="member group → section name used in this round")
    verdict: Literal["ADEQUATE", "INADEQUATE"]
    max_utilisation: float
    governing: str
    proposal_reason: str = ""


class MasseState(TypedDict, total=False):
    """Everything a run knows; each role reads what it needs and returns only what it adds.

    `problem` is the structure as stated (a rack or a steel frame); `design` is the structure of the current round
    (the problem with the sections the redesigns chose), which the model, analysis and checks use. `sections` and
    `section_names` are keyed by member group: post and brace for a rack; column, beam and brace for a steel frame.
    """

    problem_id: str
    problem_text: str
    problem: RackProblem | SteelFrameProblem
    design: RackProblem | SteelFrameProblem
    basis: RackDesignBasis | SteelFrameDesignBasis
    extraction: Extraction
    hazard: SeismicHazardOutput
    loads: StorageRackLoadsOutput | SteelFrameLoadsOutput
    base_shear: SeismicBaseShearOutput
    combinations: list[LoadCombination]
    sections: dict[str, SectionPropertiesOutput]
    section_names: dict[str, str]
    frame: FrameInput
    analysis: FrameOutput
    checks: MemberChecksOutput
    members: list[MemberVerdict]
    verdict: Literal["ADEQUATE", "INADEQUATE"]
    proposal: RedesignProposal | None
    rounds: Annotated[list[DesignRound], operator.add]
    trace: Annotated[list[TraceEvent], operator.add]
    signed_off: bool
    sign_off_note: str
    failure: str

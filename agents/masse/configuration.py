"""One configuration object for a MASSE run, and the run-time context the nodes receive (the model, the config)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reasonsuite.llm import BaseLLM
from reasonsuite.tools.structural.rack import RackDesignBasis
from reasonsuite.tools.structural.steel_frame import SteelFrameDesignBasis


class MasseConfig(BaseModel):
    """How a MASSE run behaves; every field can be overridden per run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["deterministic", "llm"] = Field(
        default="deterministic",
        description="'deterministic': rules read the problem and choose redesigns (no model); 'llm': the model does",
    )
    max_redesign_rounds: int = Field(default=3, ge=0, le=10, description="redesigns tried after an INADEQUATE check")
    on_missing: Literal["interrupt", "fail"] = Field(
        default="fail",
        description="when the text lacks a value: 'interrupt' asks a person (UI/API), 'fail' stops with a message",
    )
    require_approval: bool = Field(default=False, description="pause for a person's approval before the sign-off")
    basis: RackDesignBasis = Field(default_factory=RackDesignBasis, description="design choices of rack checks")
    steel_frame_basis: SteelFrameDesignBasis = Field(
        default_factory=SteelFrameDesignBasis, description="design choices of steel-frame checks"
    )
    llm_attempts: int = Field(
        default=3, ge=1, le=10, description="model attempts at a valid, text-grounded answer before the run fails"
    )


@dataclass(frozen=True)
class MasseContext:
    """What every node may use besides the state: not checkpointed, given again when a run resumes."""

    config: MasseConfig = field(default_factory=MasseConfig)
    llm: BaseLLM | None = None

    def require_llm(self) -> BaseLLM:
        if self.llm is None:
            raise ValueError("mode 'llm' needs a model: pass llm=… (or use mode='deterministic')")
        return self.llm

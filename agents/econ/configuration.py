"""One configuration object for the economics agent, and the run-time context its nodes receive."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from reasonsuite.llm import LLM, SamplingParams


class EconConfig(BaseModel):
    """How the agent behaves; every field can be overridden per call."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fill_attempts: int = Field(
        default=2, ge=1, le=5, description="tries at a valid, grounded tool input before answering by plain reasoning"
    )
    route_max_new_tokens: int = Field(default=32, ge=8, le=256, description="tokens of the routing JSON")
    tools: tuple[str, ...] | None = Field(
        default=None, description="the tools routing may choose (None: every bound, registered tool)"
    )


@dataclass(frozen=True)
class EconContext:
    """What every node may use besides the state: the model, the config and the plain answer's decoding settings."""

    llm: LLM
    config: EconConfig = field(default_factory=EconConfig)
    plain_params: SamplingParams = field(default_factory=lambda: SamplingParams(max_new_tokens=512))

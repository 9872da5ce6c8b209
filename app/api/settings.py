"""How the agent API runs: where it listens, who may call it, and how much work it takes at once.

Every field can be set from the environment (REASONSUITE_API_TOKEN, REASONSUITE_API_HOST, …) or on the command line.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ApiSettings(BaseSettings):
    """The API server's settings."""

    model_config = SettingsConfigDict(env_prefix="REASONSUITE_API_", extra="forbid")

    host: str = Field("127.0.0.1", description="address to listen on; off loopback a token is required")
    port: int = Field(8765, ge=1, le=65535)
    token: SecretStr | None = Field(None, description="bearer token every /v1 request must carry (when set)")
    runs_dir: Path = Field(Path("runs/app"), description="where jobs (MASSE runs, evaluations, matches) are kept")
    evals_dir: Path = Field(Path("runs"), description="evaluation run folders listed for comparison")
    max_body_bytes: int = Field(1_000_000, ge=1_024, description="largest request body accepted (413 above)")
    job_workers: int = Field(2, ge=1, le=64, description="jobs (MASSE runs, evaluations) running at once")
    job_queue: int = Field(16, ge=0, le=10_000, description="jobs waiting for a worker before 429")
    tool_workers: int = Field(4, ge=1, le=256, description="tool calls computing at once")
    tool_queue: int = Field(64, ge=0, le=100_000, description="tool calls waiting for a worker before 503")

    @model_validator(mode="after")
    def _token_off_loopback(self) -> ApiSettings:
        if not is_loopback(self.host) and self.token is None:
            raise ValueError(
                f"token: the API listens on {self.host}, off loopback, so it needs a bearer token "
                "(set REASONSUITE_API_TOKEN)"
            )
        return self

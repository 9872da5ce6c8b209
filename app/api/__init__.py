"""The agent API: FastAPI over the calculation tools, MASSE runs, economics questions, evaluations and game arenas
(`reasonsuite serve-api`).

    from reasonsuite.app.api import create_app
    app = create_app(ApiSettings(), model=SharedModel(LLMConfig.load()))

OpenAPI docs are served at /docs. Every /v1 route requires the bearer token when one is set (and one must be set to
listen off loopback); bodies over `max_body_bytes` get 413; jobs beyond the queue get 429, tool calls beyond theirs
503; every error is JSON naming the failing field. With `with_mcp=True` the same tools and MASSE checks are also
served over MCP (streamable HTTP) at /mcp, behind the same token and limits.
"""

from __future__ import annotations

from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import Depends, FastAPI

from reasonsuite import __version__

from ..services import Services
from ..shared_model import SharedModel
from .arena_routes import arena_router
from .econ_routes import econ_router
from .errors import install_error_handlers
from .evals_routes import evals_router
from .guards import BodySizeLimit, ConcurrencyGate, token_guard
from .masse_routes import masse_router
from .settings import ApiSettings
from .tools_routes import tools_router

__all__ = ["ApiSettings", "create_app"]


def create_app(
    settings: ApiSettings | None = None,
    *,
    model: SharedModel | None = None,
    services: Services | None = None,
    with_mcp: bool = False,
) -> FastAPI:
    """The API application; `services` lets the web UI and the API share one set of jobs and one model.

    `with_mcp` also serves the tools and MASSE checks over MCP (streamable HTTP) at /mcp, behind the same token.
    """
    settings = settings or ApiSettings()
    services = services or Services.create(
        settings.runs_dir, model=model, workers=settings.job_workers, queue=settings.job_queue
    )
    token = settings.token.get_secret_value() if settings.token else None
    gate = ConcurrencyGate(settings.tool_workers, settings.tool_queue)
    mcp = None
    if with_mcp:
        from .mcp_mount import McpEndpoint  # the MCP SDK is only imported when it is served

        mcp = McpEndpoint(services, gate, host=settings.host, token=token)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        async with AsyncExitStack() as stack:
            stack.callback(services.close)
            if mcp is not None:
                await stack.enter_async_context(mcp.running())
            yield

    app = FastAPI(
        title="reasonsuite agent API",
        version=__version__,
        lifespan=lifespan,
        description="Calculation tools, MASSE structural checks, economics questions, evaluations and game arenas over "
        "HTTP.",
    )
    app.state.services = services
    app.state.tool_gate = gate
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    secured = [Depends(token_guard(token))]
    routers = (
        tools_router(gate),
        masse_router(services.masse),
        evals_router(services.evals),
        arena_router(services.arena),
        econ_router(services.econ),
    )
    for router in routers:
        app.include_router(router, dependencies=secured)

    @app.get("/health", tags=["health"], summary="Liveness, version, jobs in flight")
    def health() -> dict[str, object]:
        return {
            "status": "ok",
            "version": __version__,
            "jobs_active": services.jobs.active,
            "model": services.model.description if services.model else None,
        }

    if mcp is not None:
        app.router.routes.append(mcp.route)
    return app

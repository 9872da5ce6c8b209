"""The MCP server inside the agent API: one streamable-HTTP endpoint at /mcp behind the API's bearer token.

The endpoint is stateless (every POST carries one JSON-RPC request and gets its JSON answer), so nothing is kept
between calls and many clients cost no memory. The SDK's session manager owns a task group that must live as long
as the server: `McpEndpoint.running()` is entered in the API's lifespan, since Starlette does not run the lifespans of
mounted apps.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..mcp_server import build_mcp_server
from ..services import Services
from .errors import error_body
from .guards import ConcurrencyGate
from .settings import is_loopback

PATH = "/mcp"
LOOPBACK_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
LOOPBACK_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]


class McpEndpoint:
    """The /mcp route and the session manager behind it."""

    def __init__(self, services: Services, gate: ConcurrencyGate, *, host: str, token: str | None) -> None:
        # On loopback, a web page the user visits could reach the port (DNS rebinding): only loopback Host and
        # Origin headers are accepted. Off loopback a token is required, and the token is the guard.
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=is_loopback(host),
            allowed_hosts=LOOPBACK_HOSTS,
            allowed_origins=LOOPBACK_ORIGINS,
        )
        server = build_mcp_server(services.masse, gate=gate)
        self.manager = StreamableHTTPSessionManager(
            server, stateless=True, json_response=True, security_settings=security
        )
        self.route = Route(PATH, endpoint=BearerTokenGuard(StreamableHTTPASGIApp(self.manager), token))

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with self.manager.run():
            yield


class BearerTokenGuard:
    """An ASGI wrapper requiring `Authorization: Bearer <token>` (when a token is set), as the /v1 routes do."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.token is None or scope["type"] != "http" or self._authorised(scope):
            await self.app(scope, receive, send)
            return
        body = json.dumps(error_body("unauthorized", "missing or wrong bearer token")).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b"Bearer"),
        ]
        await send({"type": "http.response.start", "status": 401, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _authorised(self, scope: Scope) -> bool:
        assert self.token is not None
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        scheme, _, given = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode())

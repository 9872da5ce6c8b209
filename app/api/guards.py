"""What stands between a request and the work: the bearer token, the body size limit and the concurrency gate."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import BusyError, error_body

T = TypeVar("T")
_bearer = HTTPBearer(auto_error=False, description="the server's token (REASONSUITE_API_TOKEN)")


def token_guard(token: str | None) -> Callable[..., Awaitable[None]]:
    """A dependency that requires `Authorization: Bearer <token>` when the server has a token."""

    async def require_token(request: Request) -> None:
        if token is None:
            return
        credentials: HTTPAuthorizationCredentials | None = await _bearer(request)
        given = credentials.credentials if credentials is not None else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})

    return require_token


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413, whether they announce their length or stream it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(error_body("too_large", f"request body over {self.max_bytes} bytes")).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    """Raised from `receive` once a streamed body passes the limit.

    An HTTPException because FastAPI turns any other error while it reads a body into "400 error parsing the body";
    an HTTPException it re-raises, and the error handlers answer 413.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body over {max_bytes} bytes")


class ConcurrencyGate:
    """At most `workers` calls compute at once and `queue` wait; a call beyond that is refused (503) at once.

    Refusing beats queueing without bound: a client learns in milliseconds that the server is busy, and the
    server's memory stays bounded under any load.
    """

    def __init__(self, workers: int, queue: int) -> None:
        self.workers = workers
        self.limit = workers + queue
        self.admitted = 0
        self._slots = asyncio.Semaphore(workers)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self.admitted >= self.limit:
            raise BusyError(f"{self.admitted} calls are computing or waiting (limit {self.limit}); retry shortly")
        self.admitted += 1
        try:
            async with self._slots:
                return await run_in_threadpool(fn, *args)
        finally:
            self.admitted -= 1

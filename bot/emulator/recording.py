"""What reached "Discord": recorded HTTP requests and gateway frames, plus route rules.

Tests read `emu.requests` / `emu.gateway_frames` to assert on exactly what the bot sent.
Tokens never appear in recordings: the Authorization header is replaced by a marker that
says whether it was valid, and IDENTIFY/RESUME tokens are masked.

Route rules are matched against each REST request (method, route template or concrete
path, optional predicate, a number of `times`):

* `Fault` answers with the given status and Discord error body instead of the handler.
* `Hold` keeps the request open, either before it is handled (nothing happens) or after
  it was handled but before the response is sent (the effect exists, the bot has not seen
  it), until the test releases it or drops the connection.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedFile:
    field: str
    filename: str
    content_type: str
    size: int
    data: bytes = field(repr=False)


@dataclass
class RecordedRequest:
    method: str
    path: str  # relative to the API base, e.g. "/channels/123/messages"
    route: str  # template, e.g. "/channels/{channel_id}/messages" ("" if unmatched)
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    files: list[RecordedFile] = field(default_factory=list)
    status: int | None = None
    response: Any = None
    time: float = 0.0  # when its route's handler took it
    # When its first bytes reached the emulator, before aiohttp parsed and routed it (None: it
    # came on a connection the emulator did not see open).
    arrived: float | None = None
    dropped: bool = False  # a `Hold` closed the connection instead of answering

    @property
    def params(self) -> dict[str, str]:
        """Path parameters by name, e.g. {"channel_id": "123"}."""
        route_parts, path_parts = self.route.split("/"), self.path.split("/")
        if len(route_parts) != len(path_parts):
            return {}
        return {
            r[1:-1]: p
            for r, p in zip(route_parts, path_parts, strict=True)
            if r.startswith("{") and r.endswith("}")
        }


@dataclass
class GatewayFrame:
    direction: str  # "recv" (from the bot) or "send" (to the bot)
    session_id: str | None
    op: int | None
    t: str | None
    s: int | None
    d: Any
    time: float = 0.0


@dataclass(eq=False)
class RouteRule:
    """What a rule applies to; it applies to at most `times` requests (None = no limit)."""

    method: str
    route: str
    times: int | None = field(default=1, kw_only=True)
    predicate: Callable[[RecordedRequest], bool] | None = field(default=None, kw_only=True)
    hits: int = field(default=0, kw_only=True)

    def matches(self, req: RecordedRequest) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method not in ("*", req.method):
            return False
        if self.route not in (req.route, req.path):
            return False
        return self.predicate is None or self.predicate(req)


@dataclass(eq=False)
class Fault(RouteRule):
    """Answer matching requests with an error instead of handling them.

    `route` matches either the template ("/channels/{channel_id}/messages") or the concrete
    path.  A 429 gets Discord's rate-limit body and headers (including `Via`, which
    discord.py requires before it will honour a 429 instead of treating it as a Cloudflare
    ban); a per-route (not global) one also carries the route's usual X-RateLimit-Limit,
    -Remaining (0), -Reset, -Reset-After and -Bucket headers, as documented.
    """

    status: int
    code: int = 0
    message: str = ""
    retry_after: float = 0.0
    is_global: bool = False

    @property
    def bucket(self) -> str:
        """An opaque bucket id, the same for every fault on one method and route."""
        return hashlib.sha1(f"{self.method} {self.route}".encode()).hexdigest()[:32]

    def body_and_headers(self, now: float = 0.0) -> tuple[dict[str, Any], dict[str, str]]:
        """The error body and headers; `now` (epoch seconds) dates a 429's X-RateLimit-Reset."""
        message = self.message or _DEFAULT_MESSAGES.get((self.status, self.code), "")
        if self.status == 429:
            body: dict[str, Any] = {
                "message": message or "You are being rate limited.",
                "retry_after": self.retry_after,
                "global": self.is_global,
            }
            if self.code:
                body["code"] = self.code
            headers = {
                "Retry-After": str(max(1, math.ceil(self.retry_after))),
                "X-RateLimit-Scope": "global" if self.is_global else "user",
                "Via": "1.1 google",
            }
            if self.is_global:
                headers["X-RateLimit-Global"] = "true"
            else:
                headers.update(
                    {
                        "X-RateLimit-Limit": str(RATE_LIMIT),
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": f"{now + self.retry_after:.3f}",
                        "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
                        "X-RateLimit-Bucket": self.bucket,
                    }
                )
            return body, headers
        return {"message": message or f"{self.status}: Error", "code": self.code}, {}


RATE_LIMIT = 5  # requests per bucket that a rate-limited route reports it allows

_DEFAULT_MESSAGES = {
    (403, 50013): "Missing Permissions",
    (403, 50001): "Missing Access",
    (404, 10003): "Unknown Channel",
    (404, 10008): "Unknown Message",
    (500, 0): "500: Internal Server Error",
    (502, 0): "502: Bad Gateway",
    (503, 0): "503: Service Unavailable",
}


@dataclass(eq=False)
class Hold(RouteRule):
    """Keep matching requests open until `release()` or `drop()` (or the emulator stops).

    With `after_processing` the request is handled first (a message is created and
    dispatched) and only the response is held back: the state a bot is in when it dies
    between sending and hearing back.  ``await hold.arrived`` waits for the first held
    request and returns it; `held` lists all of them.  After `release()` or `drop()` the
    hold catches nothing more.
    """

    after_processing: bool = False
    held: list[RecordedRequest] = field(default_factory=list)
    outcome: str | None = None  # "released" or "dropped"
    _gate: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    _arrival: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def matches(self, req: RecordedRequest) -> bool:
        return self.outcome is None and super().matches(req)

    @property
    def arrived(self) -> Coroutine[Any, Any, RecordedRequest]:
        """Awaitable: the first request this hold caught (waits for it)."""
        return self._first()

    async def _first(self) -> RecordedRequest:
        await self._arrival.wait()
        return self.held[0]

    def release(self) -> None:
        """Let every held request (and any later match) go on normally."""
        self._finish("released")

    def drop(self) -> None:
        """Close the held connections without a response (the client sees a disconnect)."""
        self._finish("dropped")

    def _finish(self, outcome: str) -> None:
        if self.outcome is None:
            self.outcome = outcome
        self._gate.set()

    async def wait(self, req: RecordedRequest) -> bool:
        """Hold `req`; True once released, False if it is to be dropped."""
        self.held.append(req)
        self._arrival.set()
        await self._gate.wait()
        return self.outcome == "released"

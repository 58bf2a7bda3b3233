"""What reached "Discord": recorded HTTP requests and gateway frames, plus fault rules.

Tests read `emu.requests` / `emu.gateway_frames` to assert on exactly what the bot sent.
Tokens never appear in recordings: the Authorization header is replaced by a marker that
says whether it was valid, and IDENTIFY/RESUME tokens are masked.

`Fault` is the hook for failure injection: a rule matched against each REST request
before its handler runs (method, route template or concrete path, optional predicate),
answering with the given status and Discord error body instead.
"""

from __future__ import annotations

from collections.abc import Callable
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
    time: float = 0.0

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


@dataclass
class Fault:
    """Answer matching requests with an error instead of handling them.

    `route` matches either the template ("/channels/{channel_id}/messages") or the concrete
    path.  `times` limits how many requests are failed (None = forever).  A 429 gets
    Discord's rate-limit body and headers (including `Via`, which discord.py requires
    before it will honour a 429 instead of treating it as a Cloudflare ban).
    """

    method: str
    route: str
    status: int
    code: int = 0
    message: str = ""
    times: int | None = 1
    retry_after: float = 0.0
    is_global: bool = False
    predicate: Callable[[RecordedRequest], bool] | None = None
    hits: int = 0

    def matches(self, req: RecordedRequest) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method not in ("*", req.method):
            return False
        if self.route not in (req.route, req.path):
            return False
        return self.predicate is None or self.predicate(req)

    def body_and_headers(self) -> tuple[dict[str, Any], dict[str, str]]:
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
                "Retry-After": str(max(1, round(self.retry_after))),
                "X-RateLimit-Scope": "global" if self.is_global else "user",
                "Via": "1.1 google",
            }
            if self.is_global:
                headers["X-RateLimit-Global"] = "true"
            return body, headers
        return {"message": message or f"{self.status}: Error", "code": self.code}, {}


_DEFAULT_MESSAGES = {
    (403, 50013): "Missing Permissions",
    (403, 50001): "Missing Access",
    (404, 10003): "Unknown Channel",
    (404, 10008): "Unknown Message",
    (500, 0): "500: Internal Server Error",
    (502, 0): "502: Bad Gateway",
}

"""The HTTP side: route table, request parsing/recording, auth, fault hook, JSON responses.

Every route is a `RouteDef` (method, template relative to the API base, handler, whether a
bot token is required).  For each request the server:

1. records it (`emu.requests`) with its parsed JSON / ``payload_json`` body and files;
2. waits on the first matching `Hold`, if any, unless it holds after processing;
3. applies the first matching `Fault` (failure injection), if any;
4. checks ``Authorization: Bot <token>`` for routes that need it (401, code 0 otherwise);
5. runs the handler, turning `ApiError` into Discord's JSON error body;
6. waits on the `Hold` if it holds after processing, then answers.

A dropped hold aborts the connection instead of answering (``rec.dropped``).

Responses carry ``Content-Type: application/json`` exactly (discord.py compares the header
verbatim, so no charset).  Unknown paths get 404 and known paths with the wrong method 405,
both code 0 like Discord, and are also collected in `emu.unhandled`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from .errors import (
    ApiError,
    FormErrors,
    invalid_json,
    method_not_allowed,
    not_found_route,
    unauthorized,
)
from .recording import Hold, RecordedFile, RecordedRequest, RouteRule

if TYPE_CHECKING:
    from .emulator import Emulator

API_PREFIX = "/api/v10"

Reply = tuple[int, Any]
Handler = Callable[["Ctx"], Awaitable[Reply]]
RuleT = TypeVar("RuleT", bound=RouteRule)


@dataclass
class Ctx:
    emu: Emulator
    request: web.Request
    params: dict[str, str]
    json: Any
    files: list[RecordedFile]
    record: RecordedRequest

    @property
    def query(self) -> Any:
        return self.request.query

    def flag(self, name: str) -> bool:
        """A boolean query string parameter (True/true/1)."""
        return self.request.query.get(name, "").lower() in ("true", "1")

    def snowflake(self, name: str) -> int:
        """A path parameter that must be a snowflake (400 / 50035 otherwise, like Discord)."""
        return _snowflake(name, self.params[name])

    def query_snowflake(self, name: str) -> int:
        """A query string parameter that must be a snowflake (400 / 50035 otherwise)."""
        return _snowflake(name, self.request.query[name])

    def query_int(self, name: str, default: int, low: int, high: int, errors: FormErrors) -> int:
        """A query string number within `low`..`high`, as the reference bounds it; anything
        else is added to `errors` (400 / 50035 once raised), as Discord reports it."""
        try:
            value = int(self.request.query.get(name, default))
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            errors.add((name,), "NUMBER_TYPE_MAX", f"int value should be between {low} and {high}.")
        return value


def _snowflake(name: str, value: str) -> int:
    if not value.isdigit():
        errors = FormErrors()
        errors.add((name,), "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.')
        errors.raise_if_any()
    return int(value)


@dataclass(frozen=True)
class RouteDef:
    method: str
    template: str
    handler: Handler
    auth: bool = True

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = re.split(r"(\{\w+\})", self.template)
        return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    if status == 204 or body is None:
        return web.Response(status=204, headers=headers)
    data = json.dumps(body, ensure_ascii=False).encode()
    return web.Response(
        status=status, body=data, headers={"Content-Type": "application/json", **(headers or {})}
    )


def _redact_headers(headers: Any, token: str) -> dict[str, str]:
    out = {}
    for key, value in headers.items():
        if key.lower() == "authorization":
            value = "Bot <valid token>" if value == f"Bot {token}" else "<invalid token>"
        out[key] = value
    return out


async def _parse_body(request: web.Request) -> tuple[Any, list[RecordedFile]]:
    if not request.can_read_body:
        return None, []
    ctype = request.content_type
    if ctype == "multipart/form-data":
        payload: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if part is None:
                break
            name = part.name or ""
            data = await part.read()  # type: ignore[union-attr]
            if name == "payload_json":
                try:
                    payload = json.loads(data.decode())
                except ValueError:
                    raise invalid_json() from None
            elif part.filename is not None:  # type: ignore[union-attr]
                files.append(
                    RecordedFile(
                        field=name,
                        filename=part.filename,  # type: ignore[union-attr]
                        content_type=part.headers.get("Content-Type", "application/octet-stream"),
                        size=len(data),
                        data=bytes(data),
                    )
                )
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw.decode()), []
    except ValueError:
        raise invalid_json() from None


def build_app(emu: Emulator, routes: list[RouteDef]) -> web.Application:
    app = web.Application(
        client_max_size=25 * 1024 * 1024 + 1024, middlewares=[emu.arrivals.middleware]
    )
    app.router.add_get("/gateway", emu.gateway.handle)

    async def attachment(request: web.Request) -> web.StreamResponse:
        # Files the bot uploaded, so tests (and Attachment.read()) can fetch them.
        data = emu.attachments.get(int(request.match_info["attachment_id"]))
        if data is None:
            return json_response(404, not_found_route().body())
        return web.Response(body=data, content_type="application/octet-stream")

    app.router.add_get(r"/attachments/{channel_id}/{attachment_id:\d+}/{filename}", attachment)

    def make(route: RouteDef) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            return await _run(emu, route, request)

        return handler

    for route in routes:
        app.router.add_route(route.method, API_PREFIX + route.template, make(route))

    async def fallback(request: web.Request) -> web.StreamResponse:
        path = (
            request.path[len(API_PREFIX) :] if request.path.startswith(API_PREFIX) else request.path
        )
        rec = RecordedRequest(
            method=request.method,
            path=path,
            route="",
            query=dict(request.query),
            headers=_redact_headers(request.headers, emu.token),
            time=emu.clock.now(),
            arrived=emu.arrivals.of(request),
        )
        emu.requests.append(rec)
        emu.unhandled.append(rec)
        with contextlib.suppress(ApiError):
            rec.json, rec.files = await _parse_body(request)
        known = any(r.pattern.fullmatch(path) for r in routes)
        err = method_not_allowed() if known else not_found_route()
        rec.status, rec.response = err.status, err.body()
        emu._bump()
        return json_response(err.status, err.body())

    app.router.add_route("*", "/{tail:.*}", fallback)
    return app


async def _run(emu: Emulator, route: RouteDef, request: web.Request) -> web.StreamResponse:
    rec = RecordedRequest(
        method=request.method,
        path=request.path[len(API_PREFIX) :],
        route=route.template,
        query=dict(request.query),
        headers=_redact_headers(request.headers, emu.token),
        time=emu.clock.now(),
        arrived=emu.arrivals.of(request),
    )
    emu.requests.append(rec)
    headers: dict[str, str] = {}
    hold: Hold | None = None
    try:
        rec.json, rec.files = await _parse_body(request)
        hold = _claim(emu.holds, rec)
        if hold is not None and not hold.after_processing and not await _wait(emu, hold, rec):
            return _drop(request, rec)
        fault = _claim(emu.faults, rec)
        if fault is not None:
            body, headers = fault.body_and_headers(emu.clock.now())
            raise ApiError(fault.status, fault.code, body["message"], raw=body, headers=headers)
        if route.auth and request.headers.get("Authorization") != f"Bot {emu.token}":
            raise unauthorized()
        ctx = Ctx(
            emu=emu,
            request=request,
            params=dict(request.match_info),
            json=rec.json,
            files=rec.files,
            record=rec,
        )
        status, body = await route.handler(ctx)
    except ApiError as err:
        status, body, headers = err.status, err.body(), err.headers
    rec.status, rec.response = status, body
    emu._bump()
    if hold is not None and hold.after_processing and not await _wait(emu, hold, rec):
        return _drop(request, rec)
    return json_response(status, body, headers)


def _claim(rules: list[RuleT], rec: RecordedRequest) -> RuleT | None:
    """The first rule that matches `rec`, counting the hit."""
    rule = next((r for r in rules if r.matches(rec)), None)
    if rule is not None:
        rule.hits += 1
    return rule


async def _wait(emu: Emulator, hold: Hold, rec: RecordedRequest) -> bool:
    emu._bump()  # wake tests waiting for the request to be held
    return await hold.wait(rec)


def _drop(request: web.Request, rec: RecordedRequest) -> web.StreamResponse:
    rec.dropped = True
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)  # never written: the transport is gone

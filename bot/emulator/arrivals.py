"""When each HTTP request's first bytes reached the emulator.

aiohttp runs a route's handler only after it has parsed the request and found the route: the
emulator's own work, as encoding a gateway event is before the event is written. A round trip
timed to the handler would count that work against the bot; timed to the first bytes, it does
not. Each connection's aiohttp protocol sits behind a thin protocol that notes the moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web


class Arrivals:
    """The connections of one server, by transport, each with the arrival of its request."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._connections: dict[asyncio.BaseTransport, _Noting] = {}

    def protocol_factory(self, factory: Callable[[], asyncio.Protocol]) -> Callable[[], _Noting]:
        return lambda: _Noting(factory(), self)

    def of(self, request: web.Request) -> float | None:
        """When the request's first bytes came (`now()`); None if its connection is unknown."""
        noting = self._connection(request)
        return noting.arrived if noting else None

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        noting = self._connection(request)
        try:
            return await handler(request)
        finally:
            # HTTP/1.1 without pipelining: the next bytes on this connection start the next
            # request, not more of this one's body.
            if noting is not None:
                noting.arrived = None

    def _connection(self, request: web.Request) -> _Noting | None:
        transport = request.transport
        return self._connections.get(transport) if transport is not None else None


class _Noting(asyncio.Protocol):
    """aiohttp's protocol for one connection, noting when a request's first bytes arrive."""

    def __init__(self, inner: asyncio.Protocol, arrivals: Arrivals) -> None:
        self.inner = inner
        self.arrivals = arrivals
        self.arrived: float | None = None
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.arrivals._connections[transport] = self
        self.inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.arrivals._connections.pop(self.transport, None)
        self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.arrived is None:
            self.arrived = self.arrivals._now()
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

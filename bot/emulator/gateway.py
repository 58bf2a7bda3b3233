"""The gateway websocket: HELLO, heartbeats, IDENTIFY/READY/GUILD_CREATE, RESUME, dispatch.

Transport: JSON text frames, or with ``compress=zlib-stream`` binary frames from one zlib
compressor per connection, each ending in a Z_SYNC_FLUSH (00 00 ff ff) — exactly what
discord.py's default decompressor expects.  ``zstd-stream`` is not available in the
standard library, so such connections get plain text frames, which discord.py also accepts
(it only decompresses binary frames).  Only ``encoding=json`` is supported.

Sessions survive the websocket: dispatched events are logged per session with their
sequence numbers, so RESUME replays what the bot missed and ends with RESUMED.  A session
is discarded when the client closes with 1000/1001 (as documented) or is invalidated.

GUILD_CREATE contains all members only with the GUILD_PRESENCES intent; otherwise just the
bot's own member (per the docs), and the full list is available through op 8
REQUEST_GUILD_MEMBERS (GUILD_MEMBERS intent needed for the whole list).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

from .recording import GatewayFrame
from .world import PRIVILEGED_INTENTS, Guild, Intents

if TYPE_CHECKING:
    from .emulator import Emulator

HEARTBEAT_ACK_DELAY = 0.02  # seconds; a typical round trip to Discord is longer still

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11
OP_REQUEST_SOUNDBOARD_SOUNDS = 31
OP_REQUEST_CHANNEL_INFO = 43

CLOSE_UNKNOWN_ERROR = 4000
CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SEQ = 4007
CLOSE_INVALID_SHARD = 4010
CLOSE_INVALID_API_VERSION = 4012
CLOSE_INVALID_INTENTS = 4013
CLOSE_DISALLOWED_INTENTS = 4014

MAX_PAYLOAD = 4096
ZLIB_SUFFIX = b"\x00\x00\xff\xff"
ALL_INTENTS = 0
for _intent in Intents:
    ALL_INTENTS |= _intent.value
del _intent

TRACE = ['["gateway-emulator",{"micros":0}]']


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    shard: tuple[int, int] | None
    seq: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    conn: Connection | None = None
    invalidated: bool = False
    presence: dict[str, Any] | None = None

    def handles_guild(self, guild_id: int) -> bool:
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id

    @property
    def connected(self) -> bool:
        return self.conn is not None and not self.conn.ws.closed and not self.invalidated


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    compressor: Any | None
    session: Session | None = None
    server_closed: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Gateway:
    """Gateway server state for one emulator."""

    def __init__(self, emu: Emulator, *, heartbeat_interval: int = 41250) -> None:
        self.emu = emu
        self.heartbeat_interval = heartbeat_interval
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.ready_count = 0
        self.close_codes: list[int] = []  # codes the emulator closed connections with
        self._acks: set[asyncio.Task[None]] = set()  # referenced until sent

    # -- public helpers ------------------------------------------------------------------

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.connected]

    def session_for_guild(self, guild_id: int) -> Session | None:
        live = [s for s in self.live_sessions() if s.handles_guild(guild_id)]
        return live[-1] if live else None

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guild_id: int | None = None,
        intent: int | None = None,
        only: Session | None = None,
    ) -> list[Session]:
        """Send a DISPATCH to every valid session (or just `only`); returns recipients."""
        targets = [only] if only is not None else list(self.sessions.values())
        sent = []
        for session in targets:
            if session.invalidated:
                continue
            if guild_id is not None and not session.handles_guild(guild_id):
                continue
            if intent is not None and not session.intents & intent:
                continue
            await self._dispatch_to(session, event, data)
            sent.append(session)
        return sent

    async def send_op(self, session: Session, op: int, d: Any = None) -> None:
        if session.conn is not None:
            await self._send(session.conn, {"op": op, "d": d, "s": None, "t": None})

    async def close_all(self, code: int = WSCloseCode.GOING_AWAY, message: bytes = b"") -> None:
        for conn in list(self.connections):
            await self._close(conn, code, message)

    # -- websocket handler ---------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        query = request.query
        compressor = zlib.compressobj() if query.get("compress") == "zlib-stream" else None
        conn = Connection(ws=ws, compressor=compressor)
        self.connections.append(conn)
        try:
            version = query.get("v", "10")
            if not version.isdigit() or int(version) not in (9, 10):
                await self._close(conn, CLOSE_INVALID_API_VERSION, b"Invalid API version.")
                return ws
            if query.get("encoding", "json") != "json":
                await self._close(conn, CLOSE_DECODE_ERROR, b"Only JSON encoding is emulated.")
                return ws
            await self._send(
                conn,
                {
                    "op": OP_HELLO,
                    "d": {"heartbeat_interval": self.heartbeat_interval},
                    "s": None,
                    "t": None,
                },
            )
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    raw = (
                        msg.data
                        if isinstance(msg.data, str)
                        else msg.data.decode("utf-8", "replace")
                    )
                    await self._on_frame(conn, raw)
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            self._detach(conn, ws.close_code)
        return ws

    def _detach(self, conn: Connection, close_code: int | None) -> None:
        if conn in self.connections:
            self.connections.remove(conn)
        session = conn.session
        if session is not None and session.conn is conn:
            session.conn = None
            # A clean 1000/1001 close by the client ends the session (not resumable).
            if close_code in (1000, 1001) and not conn.server_closed:
                session.invalidated = True
        self.emu._bump()

    async def _on_frame(self, conn: Connection, raw: str) -> None:
        if len(raw.encode()) > MAX_PAYLOAD:
            await self._close(conn, CLOSE_DECODE_ERROR, b"Decode error.")
            return
        try:
            payload = json.loads(raw)
            op = payload["op"]
        except (ValueError, KeyError, TypeError):
            await self._close(conn, CLOSE_DECODE_ERROR, b"Decode error.")
            return
        d = payload.get("d")
        self._record("recv", conn, payload)
        if op == OP_HEARTBEAT:
            # Answered after a network-like delay, not at loopback speed: discord.py notes when
            # it sent a heartbeat only after the send returns, and an ACK that beats that note
            # reads as a whole heartbeat interval of latency ("Can't keep up").
            task = asyncio.create_task(self._ack_later(conn))
            self._acks.add(task)
            task.add_done_callback(self._acks.discard)
        elif op == OP_IDENTIFY:
            await self._identify(conn, d)
        elif op == OP_RESUME:
            await self._resume(conn, d)
        elif conn.session is None:
            await self._close(conn, CLOSE_NOT_AUTHENTICATED, b"Not authenticated.")
        elif op == OP_PRESENCE_UPDATE:
            conn.session.presence = d
        elif op == OP_REQUEST_GUILD_MEMBERS:
            await self._request_members(conn.session, d or {})
        elif op in (OP_VOICE_STATE_UPDATE, OP_REQUEST_SOUNDBOARD_SOUNDS, OP_REQUEST_CHANNEL_INFO):
            pass  # accepted, nothing to emulate
        else:
            await self._close(conn, CLOSE_UNKNOWN_OPCODE, b"Unknown opcode.")

    async def _identify(self, conn: Connection, d: Any) -> None:
        app = self.emu.world.application
        if conn.session is not None:
            await self._close(conn, CLOSE_ALREADY_AUTHENTICATED, b"Already authenticated.")
            return
        if not isinstance(d, dict) or d.get("token") != app.token:
            await self._close(conn, CLOSE_AUTHENTICATION_FAILED, b"Authentication failed.")
            return
        intents = d.get("intents")
        if not isinstance(intents, int) or isinstance(intents, bool) or intents & ~ALL_INTENTS:
            await self._close(conn, CLOSE_INVALID_INTENTS, b"Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~app.privileged_intents:
            await self._close(conn, CLOSE_DISALLOWED_INTENTS, b"Disallowed intent(s).")
            return
        shard = d.get("shard")
        shard_t: tuple[int, int] | None = None
        if shard is not None:
            if (
                not isinstance(shard, list)
                or len(shard) != 2
                or not all(isinstance(x, int) for x in shard)
                or not 0 <= shard[0] < shard[1]
            ):
                await self._close(conn, CLOSE_INVALID_SHARD, b"Invalid shard.")
                return
            shard_t = (shard[0], shard[1])
        session = Session(id=secrets.token_hex(16), intents=intents, shard=shard_t)
        session.presence = d.get("presence")
        self.sessions[session.id] = session
        session.conn = conn
        conn.session = session
        bot_guilds = [g for g in self.emu.world.guilds if app.bot.id in g.members]
        ready: dict[str, Any] = {
            "v": 10,
            "user": {**app.bot.to_dict(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [
                {"id": str(g.id), "unavailable": True}
                for g in bot_guilds
                if session.handles_guild(g.id)
            ],
            "session_id": session.id,
            "resume_gateway_url": self.emu.gateway_url,
            "application": {"id": str(app.id), "flags": app.flags},
        }
        if shard_t is not None:
            ready["shard"] = list(shard_t)
        await self._dispatch_to(session, "READY", ready)
        for guild in bot_guilds:
            if session.handles_guild(guild.id):
                await self._dispatch_to(session, "GUILD_CREATE", self.guild_create(guild, session))
        self.ready_count += 1
        self.emu._bump()

    async def _resume(self, conn: Connection, d: Any) -> None:
        if conn.session is not None:
            await self._close(conn, CLOSE_ALREADY_AUTHENTICATED, b"Already authenticated.")
            return
        if not isinstance(d, dict) or d.get("token") != self.emu.world.application.token:
            await self._close(conn, CLOSE_AUTHENTICATION_FAILED, b"Authentication failed.")
            return
        session = self.sessions.get(str(d.get("session_id")))
        if session is None or session.invalidated:
            await self._send(conn, {"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        seq = d.get("seq") or 0
        if not isinstance(seq, int) or seq > session.seq:
            await self._close(conn, CLOSE_INVALID_SEQ, b"Invalid seq.")
            return
        old = session.conn
        session.conn = conn
        conn.session = session
        if old is not None and old is not conn:
            old.session = None
            await self._close(old, CLOSE_UNKNOWN_ERROR, b"Session resumed elsewhere.")
        for event in session.log:
            if event["s"] > seq:
                await self._send(conn, event)
        await self._dispatch_to(session, "RESUMED", {"_trace": TRACE})
        self.emu._bump()

    async def _request_members(self, session: Session, d: dict[str, Any]) -> None:
        try:
            guild_id = int(d["guild_id"])
        except (KeyError, TypeError, ValueError):
            return
        guild = self.emu.world.get_guild(guild_id)
        if guild is None or not session.handles_guild(guild.id):
            return
        members = list(guild.members.values())
        not_found: list[str] = []
        if d.get("user_ids") is not None:
            ids = d["user_ids"] if isinstance(d["user_ids"], list) else [d["user_ids"]]
            wanted = [int(i) for i in ids][:100]
            not_found = [str(i) for i in wanted if i not in guild.members]
            members = [guild.members[i] for i in wanted if i in guild.members]
        else:
            query = str(d.get("query", ""))
            limit = int(d.get("limit") or 0)
            if query == "" and not session.intents & Intents.GUILD_MEMBERS:
                return  # Discord ignores whole-list requests without the intent
            members = [m for m in members if m.user.username.lower().startswith(query.lower())]
            if query:
                members = members[: min(limit or 100, 100)]
            elif limit:
                members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_dict() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if not_found:
            chunk["not_found"] = not_found
        if d.get("presences") and session.intents & Intents.GUILD_PRESENCES:
            chunk["presences"] = []
        nonce = d.get("nonce")
        if isinstance(nonce, str) and len(nonce.encode()) <= 32:
            chunk["nonce"] = nonce
        await self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- payloads ------------------------------------------------------------------------

    def guild_create(self, guild: Guild, session: Session) -> dict[str, Any]:
        bot = self.emu.world.bot
        me = guild.members[bot.id]
        if session.intents & Intents.GUILD_PRESENCES:
            members = list(guild.members.values())
        else:
            members = [me]
        data = guild.to_dict()
        data.update(
            joined_at=me.to_dict()["joined_at"],
            large=len(guild.members) > 250,
            unavailable=False,
            member_count=len(guild.members),
            voice_states=[],
            members=[m.to_dict() for m in members],
            channels=[c.to_dict(with_guild_id=False) for c in guild.channels],
            threads=[],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        return data

    # -- plumbing ------------------------------------------------------------------------

    async def _dispatch_to(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        session.log.append(payload)
        if session.conn is not None and not session.conn.ws.closed:
            await self._send(session.conn, payload)

    async def _ack_later(self, conn: Connection) -> None:
        await asyncio.sleep(HEARTBEAT_ACK_DELAY)
        await self._send(conn, {"op": OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})

    async def _send(self, conn: Connection, payload: dict[str, Any]) -> None:
        if conn.ws.closed:
            return
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        async with conn.lock:  # the compressor's stream must not interleave frames
            try:
                if conn.compressor is not None:
                    data = conn.compressor.compress(text.encode()) + conn.compressor.flush(
                        zlib.Z_SYNC_FLUSH
                    )
                    # Recorded as it goes on the wire: in the order sent, at the time sent.
                    self._record("send", conn, payload)
                    await conn.ws.send_bytes(data)
                else:
                    self._record("send", conn, payload)
                    await conn.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                pass  # the bot went away; the session keeps the event for RESUME

    async def _close(self, conn: Connection, code: int, message: bytes = b"") -> None:
        conn.server_closed = True
        self.close_codes.append(code)
        self._record("send", conn, {"op": None, "d": {"close": code, "reason": message.decode()}})
        if not conn.ws.closed:
            await conn.ws.close(code=code, message=message)

    def _record(self, direction: str, conn: Connection, payload: dict[str, Any]) -> None:
        d = payload.get("d")
        if (
            direction == "recv"
            and payload.get("op") in (OP_IDENTIFY, OP_RESUME)
            and isinstance(d, dict)
        ):
            d = {**d, "token": "<valid>" if d.get("token") == self.emu.token else "<invalid>"}
        self.emu.gateway_frames.append(
            GatewayFrame(
                direction=direction,
                session_id=conn.session.id if conn.session else None,
                op=payload.get("op"),
                t=payload.get("t"),
                s=payload.get("s"),
                d=d,
                time=self.emu.clock.now(),
            )
        )

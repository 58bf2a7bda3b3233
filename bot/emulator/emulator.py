"""`Emulator`: lifecycle, shared state, message bookkeeping and the test-facing API.

One emulator = one aiohttp server on 127.0.0.1 serving the REST API under ``/api/v10`` and
the gateway at ``/gateway``.  Everything the bot does goes over the network; tests drive
scripted users and read the emulator's state (messages, recorded requests, gateway frames).
"""

# The test-facing API takes explicit `timeout=` arguments on purpose.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from aiohttp import web

from . import changes
from . import interactions as scripted
from .arrivals import Arrivals
from .commands import Command, CommandStore
from .errors import EmulatorError, EmulatorTimeout
from .gateway import OP_INVALID_SESSION, OP_RECONNECT, Gateway, Session
from .interactions import Interaction, InteractionHandle
from .mentions import DEFAULT_REGULAR, MentionResult, pinged_user_ids, resolve
from .messages import (
    FLAG_IS_COMPONENTS_V2,
    FLAG_SUPPRESS_EMBEDS,
    TYPE_REPLY,
    Message,
    assign_component_ids,
    normalise_embeds,
    text_of_components,
)
from .recording import Fault, GatewayFrame, Hold, RecordedFile, RecordedRequest
from .server import API_PREFIX, build_app
from .world import Channel, Guild, Intents, Overwrite, Role, User, World, default_world

T = TypeVar("T")


class Emulator:
    """A fake Discord for one application.  See the package docstring for usage."""

    def __init__(
        self,
        world: World | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        heartbeat_interval: int = 41250,
        initial_response_deadline: float = 3.0,
        token_lifetime: float = 15 * 60,
        reaction_time: float = 0.1,
    ) -> None:
        self.world = world or default_world()
        self.clock = self.world.clock
        self.snowflakes = self.world.snowflakes
        self.host = host
        self.port = port
        self.initial_response_deadline = initial_response_deadline
        self.token_lifetime = token_lifetime
        # How long a scripted person takes to press a button or submit a form they were shown.
        self.reaction_time = reaction_time
        self.commands = CommandStore(self.snowflakes, self.world.application.id)
        self.messages: dict[int, Message] = {}
        self.attachments: dict[int, bytes] = {}
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        self.gateway_frames: list[GatewayFrame] = []
        self.faults: list[Fault] = []
        self.holds: list[Hold] = []
        self.gateway = Gateway(self, heartbeat_interval=heartbeat_interval)
        self._waiters: list[asyncio.Event] = []
        self.arrivals = Arrivals(self.clock.now)
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> Emulator:
        from .rest import ROUTES  # local import: rest modules import this module for typing

        app = build_app(self, ROUTES)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        assert self._runner.server is not None
        # Not a TCPSite: each connection's protocol is wrapped to note its requests' arrival.
        self._server = await asyncio.get_running_loop().create_server(
            self.arrivals.protocol_factory(self._runner.server), self.host, self.port
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        for hold in self.holds:
            hold.drop()  # a request held until the end must not keep the server alive
        await self.gateway.close_all(1001, b"Emulator shutting down")
        if self._server is not None:
            self._server.close()  # no new connections; cleanup closes the open ones
        await self._runner.cleanup()
        self._runner = self._server = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- addresses and identities -----------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Value for ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (as a yarl.URL)."""
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def token(self) -> str:
        return self.world.application.token

    @property
    def application_id(self) -> int:
        return self.world.application.id

    @property
    def bot_user(self) -> User:
        return self.world.bot

    @property
    def guild(self) -> Guild:
        """The first (default) guild."""
        return self.world.guild()

    # -- world lookups ----------------------------------------------------------------------

    def channel(self, key: str | int, guild: str | int | None = None) -> Channel:
        return self.world.guild(guild).channel(key)

    def role(self, key: str | int, guild: str | int | None = None) -> Role:
        return self.world.guild(guild).role(key)

    def user(self, key: str | int) -> User:
        return self.world.user(key)

    @property
    def admin(self) -> User:
        return self.world.user("admin")

    @property
    def member(self) -> User:
        return self.world.user("member")

    @property
    def owner(self) -> User:
        return self.world.user("owner")

    # -- waiting ----------------------------------------------------------------------------

    def _bump(self) -> None:
        """Wake everything waiting in `wait_until` (state changed)."""
        waiters, self._waiters = self._waiters, []
        for event in waiters:
            event.set()

    async def wait_until(
        self, predicate: Callable[[], T | None], *, timeout: float = 5.0, what: str = "a condition"
    ) -> T:
        """Wait until `predicate()` returns something other than None/False and return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result is not None and result is not False:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise EmulatorTimeout(
                    f"timed out after {timeout}s waiting for {what}" + self._hint()
                )
            event = asyncio.Event()
            self._waiters.append(event)
            # Also poll: predicates may look at state outside the emulator (e.g. the client).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, 0.05))

    def _hint(self) -> str:
        recent = self.requests[-6:]
        if not recent:
            return "; the bot made no HTTP requests"
        lines = [f"  {r.method} {r.path} -> {r.status} {_short(r.response)}" for r in recent]
        return "; recent requests:\n" + "\n".join(lines)

    async def wait_for_ready(self, timeout: float = 10.0, *, count: int | None = None) -> Session:
        """Wait until a bot identified and got READY + GUILD_CREATE.

        With `count`, wait until that many READYs were sent in total (for restarts).
        """

        def ready() -> Session | None:
            if count is not None and self.gateway.ready_count < count:
                return None
            live = self.gateway.live_sessions()
            return live[-1] if live else None

        return await self.wait_until(ready, timeout=timeout, what="the bot to connect (READY)")

    async def wait_for_commands(
        self,
        names: list[str] | None = None,
        *,
        guild: Guild | str | int | None = None,
        timeout: float = 10.0,
        syncs: int | None = None,
    ) -> list[Command]:
        """Wait until commands are synced (all `names`, if given) and return them.

        `guild=None` looks at global and first-guild commands together.  With `syncs`, also
        wait until that many bulk overwrites happened in total.
        """
        guild_obj = self.world.guild(guild) if not isinstance(guild, Guild) else guild

        def synced() -> list[Command] | None:
            if syncs is not None and self.commands.syncs < syncs:
                return None
            if not self.commands.syncs:
                return None
            visible = self.commands.visible_in(guild_obj.id)
            have = {c.name for c in visible}
            if names is not None and not set(names) <= have:
                return None
            return visible

        return await self.wait_until(synced, timeout=timeout, what=f"commands {names} to sync")

    # -- messages ---------------------------------------------------------------------------

    def channel_messages(self, channel: Channel | str | int) -> list[Message]:
        """Messages everyone can see in `channel`, oldest first (no ephemeral, no deleted)."""
        ch = self._as_channel(channel)
        return sorted(
            (
                m
                for m in self.messages.values()
                if m.channel_id == ch.id and not m.deleted and not m.ephemeral
            ),
            key=lambda m: m.id,
        )

    def message(self, message_id: int | str) -> Message:
        return self.messages[int(message_id)]

    def pinged(self, message: Message) -> set[int]:
        """Ids of the users the message notified (mentions, role members, @everyone)."""
        found = self.world.find_channel(message.channel_id)
        if found is None:
            return {u.id for u in message.mentions}
        guild, channel = found
        result = MentionResult(message.mentions, message.mention_roles, message.mention_everyone)
        return pinged_user_ids(guild, channel, result, message.author.id)

    def _find_channel(self, key: str | int) -> Channel:
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            found = self.world.find_channel(int(key))
            if found is None:
                raise KeyError(f"no channel {key!r}")
            return found[1]
        return self.world.guild().channel(key)

    def compose_message(
        self,
        *,
        guild: Guild,
        channel: Channel,
        author: User,
        body: dict[str, Any],
        files: list[RecordedFile],
        default_mentions: dict[str, Any],
        author_permissions: int,
        flags: int,
        **extra: Any,
    ) -> Message:
        msg = Message(
            id=self.snowflakes.next(),
            channel_id=channel.id,
            guild_id=guild.id,
            author=author,
            timestamp=self.clock.utcnow(),
            content=body.get("content") or "",
            embeds=normalise_embeds(body.get("embeds") or []),
            components=assign_component_ids(body.get("components") or []),
            flags=flags,
            tts=bool(body.get("tts")),
            nonce=body.get("nonce"),
            **extra,
        )
        msg.attachments = self._attachments(channel.id, body.get("attachments"), files, [])
        self._set_mentions(
            msg, body.get("allowed_mentions"), default_mentions, guild, author_permissions
        )
        return msg

    def apply_edit(
        self,
        msg: Message,
        body: dict[str, Any],
        files: list[RecordedFile],
        *,
        default_mentions: dict[str, Any],
        author_permissions: int,
    ) -> None:
        msg.snapshot()
        if "content" in body:
            msg.content = body["content"] or ""
        if "embeds" in body:
            msg.embeds = normalise_embeds(body["embeds"] or [])
        if "components" in body:
            msg.components = assign_component_ids(body["components"] or [])
        if body.get("flags") is not None:
            # Only SUPPRESS_EMBEDS can be toggled; IS_COMPONENTS_V2 can only be added.
            new = int(body["flags"])
            msg.flags = (msg.flags & ~FLAG_SUPPRESS_EMBEDS) | (new & FLAG_SUPPRESS_EMBEDS)
            msg.flags |= new & FLAG_IS_COMPONENTS_V2
        if "attachments" in body or files:
            msg.attachments = self._attachments(
                msg.channel_id, body.get("attachments"), files, msg.attachments
            )
        v2 = bool(msg.flags & FLAG_IS_COMPONENTS_V2)
        if "content" in body or (v2 and "components" in body):
            found = self.world.find_channel(msg.channel_id)
            self._set_mentions(
                msg,
                body.get("allowed_mentions"),
                default_mentions,
                found[0] if found else None,
                author_permissions,
            )
        msg.edited_timestamp = self.clock.utcnow()

    def _set_mentions(
        self,
        msg: Message,
        allowed: dict[str, Any] | None,
        default: dict[str, Any],
        guild: Guild | None,
        author_permissions: int,
    ) -> None:
        text = (
            text_of_components(msg.components) if msg.flags & FLAG_IS_COMPONENTS_V2 else msg.content
        )
        replied = None
        if msg.type == TYPE_REPLY and msg.referenced_message is not None:
            replied = msg.referenced_message.author
        result = resolve(
            text,
            allowed,
            default=default,
            guild=guild,
            author_permissions=author_permissions,
            known_users={u.id: u for u in self.world.users},
            replied_author=replied,
        )
        msg.mentions, msg.mention_roles, msg.mention_everyone = (
            result.users,
            result.roles,
            result.everyone,
        )

    def _attachments(
        self,
        channel_id: int,
        requested: list[dict[str, Any]] | None,
        files: list[RecordedFile],
        existing: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        by_field = {f.field: f for f in files}
        out: list[dict[str, Any]] = []
        if requested is None:
            out = list(existing)
            requested = [{"id": i} for i in range(len(files))]
        keep = {str(a["id"]): a for a in existing}
        for entry in requested or []:
            key = str(entry.get("id"))
            if key in keep:
                out.append(keep[key])
                continue
            file = by_field.get(f"files[{key}]") or (
                files[int(key)] if key.isdigit() and int(key) < len(files) else None
            )
            if file is None:
                continue
            aid = self.snowflakes.next()
            self.attachments[aid] = file.data
            filename = entry.get("filename") or file.filename
            url = f"{self.base_url}/attachments/{channel_id}/{aid}/{filename}"
            item: dict[str, Any] = {
                "id": str(aid),
                "filename": filename,
                "size": file.size,
                "url": url,
                "proxy_url": url,
                "content_type": file.content_type,
            }
            if entry.get("description"):
                item["description"] = entry["description"]
            out.append(item)
        return out

    def store(self, msg: Message) -> Message:
        self.messages[msg.id] = msg
        if not msg.ephemeral:
            found = self.world.find_channel(msg.channel_id)
            if found is not None:
                found[1].last_message_id = msg.id
        return msg

    def _gateway_message(self, msg: Message) -> dict[str, Any]:
        data = msg.to_dict()
        data["guild_id"] = str(msg.guild_id)
        found = self.world.find_channel(msg.channel_id)
        guild = found[0] if found else None
        if found:
            data["channel_type"] = int(found[1].type)
        if guild is not None:
            member = guild.member(msg.author)
            if member is not None and msg.webhook_id is None:
                data["member"] = member.to_dict(with_user=False)
            for mention in data["mentions"]:
                m = guild.member(int(mention["id"]))
                if m is not None:
                    mention["member"] = m.to_dict(with_user=False)
        return data

    async def publish_create(self, msg: Message) -> None:
        if msg.ephemeral:
            return
        await self.gateway.dispatch(
            "MESSAGE_CREATE",
            self._gateway_message(msg),
            guild_id=msg.guild_id,
            intent=Intents.GUILD_MESSAGES,
        )

    async def publish_update(self, msg: Message) -> None:
        if msg.ephemeral:
            return
        data = self._gateway_message(msg)
        data["tts"] = False  # documented: always false in updates
        await self.gateway.dispatch(
            "MESSAGE_UPDATE", data, guild_id=msg.guild_id, intent=Intents.GUILD_MESSAGES
        )

    async def publish_delete(self, msg: Message) -> None:
        if msg.ephemeral:
            return
        await self.gateway.dispatch(
            "MESSAGE_DELETE",
            {"id": str(msg.id), "channel_id": str(msg.channel_id), "guild_id": str(msg.guild_id)},
            guild_id=msg.guild_id,
            intent=Intents.GUILD_MESSAGES,
        )

    async def post_message(
        self, user: User | str, channel: Channel | str | int, content: str
    ) -> Message:
        """A scripted user posts a plain message (dispatched as MESSAGE_CREATE)."""
        author = self.world.user(user)
        ch = self._as_channel(channel)
        found = self.world.find_channel(ch.id)
        assert found is not None
        guild = found[0]
        perms = guild.permissions_for(author, ch)
        msg = self.compose_message(
            guild=guild,
            channel=ch,
            author=author,
            body={"content": content},
            files=[],
            default_mentions=DEFAULT_REGULAR,
            author_permissions=perms,
            flags=0,
        )
        self.store(msg)
        data = self._gateway_message(msg)
        for session in list(self.gateway.sessions.values()):
            payload = data
            mentioned = any(u.id == self.bot_user.id for u in msg.mentions)
            if not session.intents & Intents.MESSAGE_CONTENT and not mentioned:
                payload = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
            await self.gateway.dispatch(
                "MESSAGE_CREATE",
                payload,
                guild_id=guild.id,
                intent=Intents.GUILD_MESSAGES,
                only=session,
            )
        self._bump()
        return msg

    # -- scripted users ---------------------------------------------------------------------

    async def _deliver(self, interaction: Interaction) -> InteractionHandle:
        session = self.gateway.session_for_guild(interaction.guild_id)
        if session is None:
            raise EmulatorError("no bot is connected to the gateway to receive the interaction")
        self.interactions[interaction.id] = interaction
        self.interactions_by_token[interaction.token] = interaction
        interaction.created_at = self.clock.now()
        await self.gateway.dispatch("INTERACTION_CREATE", interaction.payload, only=session)
        return InteractionHandle(self, interaction)

    # What scripted users do (see interactions.py).  Each takes the emulator as its first
    # argument, so the functions themselves serve as methods: `emu.slash(user, "ping")`.
    slash = scripted.slash
    autocomplete = scripted.autocomplete
    press_button = scripted.press_button
    select = scripted.select
    submit_modal = scripted.submit_modal

    # -- gateway control and faults ------------------------------------------------------------

    async def disconnect_bot(self, code: int = 4000) -> None:
        """Close every gateway connection with `code` (the sessions stay resumable)."""
        await self.gateway.close_all(code, b"Disconnected by the emulator")

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT to every connected session."""
        for session in self.gateway.live_sessions():
            await self.gateway.send_op(session, OP_RECONNECT)

    async def invalidate_sessions(self, *, resumable: bool = False) -> None:
        for session in self.gateway.live_sessions():
            if not resumable:
                session.invalidated = True
            await self.gateway.send_op(session, OP_INVALID_SESSION, resumable)

    def fail(
        self,
        method: str,
        route: str,
        status: int,
        code: int = 0,
        message: str = "",
        *,
        times: int | None = 1,
        retry_after: float = 0.0,
        is_global: bool = False,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> Fault:
        """Inject a failure: the next `times` matching requests get this error."""
        fault = Fault(method, route, status, code, message, retry_after, is_global, times=times)
        fault.predicate = predicate
        self.faults.append(fault)
        return fault

    def hold(
        self,
        method: str,
        route: str,
        *,
        after_processing: bool = False,
        times: int | None = 1,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> Hold:
        """Keep the next `times` matching requests open until `release()`/`drop()`.

        Before processing nothing has happened yet; with `after_processing` the request
        was handled (e.g. the message exists and was dispatched) and only the answer waits.
        Requests still held when the emulator stops are dropped.
        """
        hold = Hold(method, route, after_processing, times=times, predicate=predicate)
        self.holds.append(hold)
        return hold

    # -- changing the world while the bot runs ------------------------------------------------

    async def delete_channel(self, channel: Channel | str | int) -> Channel:
        """Delete a channel (CHANNEL_DELETE); requests to it then get 404 / 10003."""
        return await changes.delete_channel(self, self._as_channel(channel))

    async def set_overwrites(
        self, channel: Channel | str | int, overwrites: Iterable[Overwrite]
    ) -> Channel:
        """Replace a channel's permission overwrites (CHANNEL_UPDATE)."""
        return await changes.set_overwrites(self, self._as_channel(channel), overwrites)

    async def update_role(
        self,
        role: Role | str | int,
        *,
        name: str | None = None,
        permissions: int | None = None,
        mentionable: bool | None = None,
    ) -> Role:
        """Change a role's name, permissions or mentionable flag (GUILD_ROLE_UPDATE)."""
        return await changes.update_role(
            self, self._as_role(role), name=name, permissions=permissions, mentionable=mentionable
        )

    async def delete_role(self, role: Role | str | int) -> Role:
        """Delete a role (GUILD_ROLE_DELETE); members lose it."""
        return await changes.delete_role(self, self._as_role(role))

    def _as_channel(self, channel: Channel | str | int) -> Channel:
        return channel if isinstance(channel, Channel) else self._find_channel(channel)

    def _as_role(self, role: Role | str | int) -> Role:
        return role if isinstance(role, Role) else self.role(role)

    # -- recordings ---------------------------------------------------------------------------

    @property
    def failed_requests(self) -> list[RecordedRequest]:
        """Every request answered with an error status (4xx/5xx)."""
        return [r for r in self.requests if r.status is not None and r.status >= 400]

    def requests_to(self, method: str, route: str) -> list[RecordedRequest]:
        """Recorded requests by method and route template (or concrete path)."""
        return [r for r in self.requests if r.method == method and route in (r.route, r.path)]


def _short(value: Any, limit: int = 200) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"

"""The sandbox itself: the emulator and the real bot in one process, driven by typed lines.

`Sandbox.run(line)` does what the line asks and returns what to show. It never reads the
terminal: when the bot opens a form, the outcome carries it, and the caller collects the
values and calls `submit_form`. So the same object serves the prompt, piped scripts, `ask`,
and the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
from rich.console import RenderableType
from rich.text import Text

from bot.client import KdramaBot, point_discord_at
from bot.db import Database
from bot.emulator import Emulator, EmulatorError, default_world
from bot.emulator.interactions import CALLBACK_MODAL, InteractionHandle
from bot.sandbox.catalog import Catalog
from bot.sandbox.commandline import (
    InputError,
    Press,
    Slash,
    Suggest,
    SwitchUser,
    Verb,
    parse_line,
)
from bot.sandbox.database import sandbox_database
from bot.sandbox.form import Form
from bot.sandbox.render import notice, render_choices, render_message
from bot.sandbox.server import BOT_NAME, COMMAND_CHANNEL, Server
from bot.settings import Settings
from bot.shutdown import finish_answers_in_progress
from bot.sync import sync_commands

READY_TIMEOUT = 20.0
ANSWER_TIMEOUT = 5.0  # Discord gives a bot 3 seconds to answer
QUIET = 0.15  # no request for this long: the bot has finished answering
SETTLE_LIMIT = 10.0
STOP_GRACE = 5.0  # for an answer still in progress when the sandbox is left

WHO = {
    "member": "member, in the Watch Party role, without Manage Server",
    "admin": "admin, a Moderator with Manage Server (so /announce works)",
}
NOW_TYPING = "Now typing as {who}."
WELCOME = (
    "This is the real kdrama-bot on a local, offline Discord, using {database}. You are {who}, "
    "typing in #{channel} of {server}. Type help to see what you can do, quit to leave."
)
HELP = """\
Type what a member types in Discord, with options as name:value:
  /show info                      /who name:Ok Taec-yeon
  /quote search text:soul         /announce post channel:#announcements ping:@Watch Party
  Quote a value that holds another option's name: /quote search text:"a name: b"
  End an option with ? to see the bot's suggestions: /who name:tae?
  Tab completes commands, options, channels and roles.
press LABEL      press the button LABEL on the latest message that has it (press Post)
as admin         type as the admin (Manage Server: can use /announce)
as member        type as an ordinary member (the default)
channels         the server's channels, and what the bot may do in each
log [#channel]   what the bot posted in the channels
help             this list
quit             leave (Ctrl-D too)"""
COMMANDS = "The commands: {commands}"
NO_ANSWER = (
    "The bot did not answer within {seconds:g} seconds; Discord would show "
    "'The application did not respond'."
)
NEVER_FILLED = "The bot said it was thinking, but its answer never came."
REFUSED = "Discord would not send that: {error}"
NO_SUCH_BUTTON = "No message you can see has a {label} button. {available}"
BUTTONS_ARE = "The buttons you can press: {labels}."
NO_BUTTONS = "No message you can see has any buttons."
BUTTON_DISABLED = "The {label} button is disabled."
NO_FORM = "There is no form open."
NO_SUGGESTIONS_IN_TIME = "The bot sent no suggestions in time."


@dataclass
class Outcome:
    """What to show after a line, and what happens next."""

    output: list[RenderableType] = field(default_factory=list)
    ok: bool = True  # False when the line itself could not be used (`ask` exits 1)
    form: Form | None = None  # the bot opened a form: collect it, then call submit_form
    quit: bool = False


def problem(text: str) -> Outcome:
    return Outcome([Text(text, style="yellow")], ok=False)


class Sandbox:
    """The emulator, the bot, and who is typing. Use as `async with Sandbox(...) as sandbox`."""

    def __init__(self, settings: Settings, folder: Path, *, user: str = "member") -> None:
        self.settings = settings
        self.folder = folder
        self.user = user
        self.catalog = Catalog([])
        self.welcome = ""
        self.warning: str | None = None
        self.emu: Emulator | None = None
        self.bot: KdramaBot | None = None
        self.db: Database | None = None
        self._task: asyncio.Task[None] | None = None
        self._form_source: InteractionHandle | None = None
        self._saved_endpoints: tuple[Any, Any] | None = None

    async def __aenter__(self) -> Sandbox:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self.db, described, self.warning = await sandbox_database(self.settings, self.folder)
        self.emu = emu = await Emulator(default_world(BOT_NAME)).start()
        self._saved_endpoints = (
            discord.http.Route.BASE,
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
        point_discord_at(emu.api_base, emu.gateway_url)
        settings = dataclasses.replace(
            self.settings,
            token=emu.token,
            database_path=self.db.path,
            api_base=emu.api_base,
            gateway_url=emu.gateway_url,
            guild_id=None,  # a real server id means nothing to the emulator
        )
        self.bot = bot = KdramaBot(settings=settings, db=self.db, sync_on_start=False)
        await bot.login(emu.token)
        await sync_commands(bot, force=True)
        self._task = asyncio.create_task(bot.connect())
        waiter = asyncio.create_task(emu.wait_for_ready(READY_TIMEOUT))
        done, _ = await asyncio.wait({self._task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            waiter.cancel()
            self._task.result()  # the bot stopped before it connected: say why
        await waiter
        guild = emu.guild
        self.catalog = Catalog.from_commands(c.to_dict() for c in emu.commands.visible_in(guild.id))
        self.welcome = WELCOME.format(
            database=described, who=WHO[self.user], channel=COMMAND_CHANNEL, server=guild.name
        )

    async def stop(self) -> None:
        if self.bot is not None:
            await self._let_the_bot_finish()
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 5)
        if self.db is not None:
            await self.db.close()
        if self.emu is not None:
            await self.emu.stop()
        if self._saved_endpoints is not None:
            discord.http.Route.BASE = self._saved_endpoints[0]
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved_endpoints[1]
        self.bot = self.db = self.emu = self._task = self._saved_endpoints = None

    async def _let_the_bot_finish(self) -> None:
        """Leaving mid-answer (Ctrl-C, SIGTERM) must not cut the bot off: wait for it to take
        every interaction already sent to it, then for its answers to finish."""
        emu = self.emu
        if emu is not None:

            def all_taken() -> bool:
                now, deadline = emu.clock.now(), emu.initial_response_deadline
                return all(
                    i.responded or now - i.created_at > deadline for i in emu.interactions.values()
                )

            with contextlib.suppress(TimeoutError):
                await emu.wait_until(all_taken, timeout=STOP_GRACE, what="the bot's last answer")
        await finish_answers_in_progress(STOP_GRACE)

    # -- lines ----------------------------------------------------------------------------

    async def run(self, line: str) -> Outcome:
        try:
            action = parse_line(line, self.catalog)
            match action:
                case None:
                    return Outcome()
                case Slash():
                    return await self._slash(action)
                case Suggest():
                    return await self._suggest(action)
                case Press():
                    return await self._press(action.label)
                case SwitchUser():
                    self.user = action.name
                    return Outcome([notice(NOW_TYPING.format(who=WHO[self.user]))])
                case Verb(name="help"):
                    listed = ", ".join(f"/{path}" for path in self.catalog.paths)
                    commands = COMMANDS.format(commands=listed)
                    return Outcome([Text(HELP), Text(commands)])
                case Verb(name="channels"):
                    return Outcome([self._server.channels_table(self.user)])
                case Verb(name="log"):
                    return Outcome(self._server.log(action.argument))
                case Verb(name="quit"):
                    return Outcome(quit=True)
        except InputError as error:
            return problem(str(error))
        except EmulatorError as error:
            return problem(REFUSED.format(error=error))
        raise AssertionError(f"unhandled action {action!r}")

    async def submit_form(self, values: dict[str, str]) -> Outcome:
        """Send the open form with `values` by field id."""
        source, self._form_source = self._form_source, None
        if source is None:
            return problem(NO_FORM)
        try:
            handle = await self._emu.submit_modal(self.user, source, values)
        except EmulatorError as error:
            return problem(REFUSED.format(error=error))
        return await self._answer(handle)

    def close_form(self) -> None:
        self._form_source = None

    # -- slash commands, suggestions and buttons --------------------------------------------

    async def _slash(self, action: Slash) -> Outcome:
        self._server.check_allowed(action.spec, self.user)
        options = self._server.resolve(action.spec, action.options)
        handle = await self._emu.slash(
            self.user, action.spec.path, options, channel=COMMAND_CHANNEL
        )
        return await self._answer(handle)

    async def _suggest(self, action: Suggest) -> Outcome:
        option = action.focused
        if not option.autocomplete:
            choices = [
                {"name": c.name, "value": c.value}
                for c in option.choices
                if action.typed.lower() in c.name.lower()
            ]
            return Outcome([render_choices(option.name, action.typed, choices)])
        self._server.check_allowed(action.spec, self.user)
        options = {**self._server.resolve(action.spec, action.options), option.name: action.typed}
        try:
            choices = await self._emu.autocomplete(
                self.user, action.spec.path, options, option.name, channel=COMMAND_CHANNEL
            )
        except TimeoutError:
            return problem(NO_SUGGESTIONS_IN_TIME)
        return Outcome([render_choices(option.name, action.typed, choices)])

    async def _press(self, label: str) -> Outcome:
        offered: list[str] = []
        for message, button in self._server.buttons(self.user):
            text = button.get("label") or ""
            if text.lower() == label.lower():
                if button.get("disabled"):
                    return problem(BUTTON_DISABLED.format(label=text))
                handle = await self._emu.press_button(self.user, message, button["custom_id"])
                return await self._answer(handle)
            if text and not button.get("disabled") and text not in offered:
                offered.append(text)
        if not offered:
            return problem(NO_BUTTONS)
        available = BUTTONS_ARE.format(labels=", ".join(offered))
        return problem(NO_SUCH_BUTTON.format(label=label, available=available))

    async def _answer(self, handle: InteractionHandle) -> Outcome:
        """Wait for the bot's answer to an interaction and show it, with anything it posted."""
        emu = self._emu
        mark = handle.id  # snowflakes grow: every message after this one is part of the answer
        try:
            callback = await handle.response(ANSWER_TIMEOUT)
        except TimeoutError:
            return problem(NO_ANSWER.format(seconds=emu.initial_response_deadline))
        if callback.type == CALLBACK_MODAL:
            self._form_source = handle
            return Outcome(form=Form.from_modal(await handle.modal()))
        try:
            await handle.message(ANSWER_TIMEOUT)
        except TimeoutError:
            return problem(NEVER_FILLED)
        await self._settle()
        names = self._server.names()
        replies = handle.messages
        output = [render_message(m.to_dict(), names, BOT_NAME) for m in replies]
        output += self._server.posts_after(mark, {m.id for m in replies})
        return Outcome(output)

    async def _settle(self) -> None:
        """Wait until the bot has made no request for a moment: its answer is complete."""
        loop = asyncio.get_running_loop()
        requests = self._emu.requests
        deadline = loop.time() + SETTLE_LIMIT
        seen, quiet_since = -1, loop.time()
        while loop.time() < deadline:
            busy = any(r.status is None for r in requests[-20:])
            if len(requests) != seen or busy:
                seen, quiet_since = len(requests), loop.time()
            elif loop.time() - quiet_since >= QUIET:
                return
            await asyncio.sleep(0.02)

    # -- for Tab completion -------------------------------------------------------------------

    def completion_values(self) -> dict[str, list[str]]:
        return self._server.completion_values(self.user) if self.emu is not None else {}

    @property
    def _emu(self) -> Emulator:
        assert self.emu is not None, "the sandbox is not running"
        return self.emu

    @property
    def _server(self) -> Server:
        return Server(self._emu)

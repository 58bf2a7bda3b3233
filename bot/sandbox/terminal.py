"""The sandbox at a prompt (with Tab completion), fed by a pipe, or asked one command (`ask`).

The emulator and the bot run on an event loop in a background thread; this thread reads the
terminal. Blocking `input()` then never stalls the bot, and Ctrl-C reaches the prompt, where it
cancels the current line or form instead of killing the bot mid-answer.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TextIO, TypeVar

from rich.console import Console
from rich.text import Text

from bot.content import DataFileError
from bot.db import DatabaseError
from bot.logs import install_handler, make_formatter
from bot.sandbox.commandline import completions, runs_nothing
from bot.sandbox.form import CANCELLED, HOW_INTERACTIVE, NOT_SENT, OPENED, Form, piped_value
from bot.sandbox.session import Outcome, Sandbox
from bot.settings import Settings, SettingsError

T = TypeVar("T")

PROMPT = "{user}> "
ECHO = "> {line}"
ASK_WHAT = 'Give ask a command to type, for example: kdrama-bot ask "/who name:Taecyeon"'
INTERRUPTED = "Interrupted; the bot may still finish that in the background."
START_FAILED = "The sandbox could not start: {error}. The details are in {log}."
ERRORS_LOGGED = "The bot logged errors during this session; its log is kept at {log}."
# One line per HTTP request the emulator serves would bury the bot's own lines in the log.
QUIET_LOGGERS = ("aiohttp.access",)

PIPED_WIDTH = 1000

EXIT_OK = 0
EXIT_BAD_INPUT = 1


class SandboxError(Exception):
    """The sandbox could not start for an unexpected reason; the message says where to look."""


class LoopThread:
    """An event loop running in a daemon thread; `call` runs a coroutine on it and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except (KeyboardInterrupt, SystemExit):  # Ctrl-C, or SIGTERM: stop waiting, and the work
            future.cancel()
            raise

    def close(self) -> None:
        """Cancel whatever still runs (as asyncio.run does at its end), then stop the loop."""
        self.call(_cancel_the_rest(), timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()


async def _cancel_the_rest() -> None:
    current = asyncio.current_task()
    rest = [task for task in asyncio.all_tasks() if task is not current]
    for task in rest:
        task.cancel()
    await asyncio.gather(*rest, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()


class SessionLog(logging.FileHandler):
    """The bot's and the emulator's log, kept out of the transcript; it counts the errors."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8")
        self.error_count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.error_count += 1
        super().emit(record)


class Terminal:
    """One sandbox session: start it, feed it lines, show what comes back, stop it."""

    def __init__(
        self, settings: Settings, stdin: TextIO, stdout: TextIO, stderr: TextIO, user: str
    ) -> None:
        self.settings = settings
        self.user = user
        self.stdin = stdin
        self.interactive = stdin.isatty()
        # Piped, a reply is not wrapped: each of its lines stays one line, links stay whole.
        width = None if stdout.isatty() else PIPED_WIDTH
        self.console = Console(file=stdout, emoji=False, highlight=False, width=width)
        # Not wrapped either: a path in a message stays whole, to copy.
        self.errors = Console(file=stderr, emoji=False, highlight=False, soft_wrap=True)
        self.sandbox: Sandbox | None = None
        self.loop: LoopThread | None = None
        self.log: SessionLog | None = None

    def __enter__(self) -> Terminal:
        self._folder = tempfile.TemporaryDirectory(prefix="kdrama-bot-sandbox-")
        handle, log_path = tempfile.mkstemp(prefix="kdrama-bot-sandbox-", suffix=".log")
        os.close(handle)
        self.log = SessionLog(Path(log_path))
        self.log.setFormatter(make_formatter(self.settings.log_format, [self.settings.token or ""]))
        install_handler(self.log, self.settings.log_level)
        for logger in QUIET_LOGGERS:
            logging.getLogger(logger).setLevel(max(logging.WARNING, logging.getLogger().level))
        self.loop = LoopThread()
        self.sandbox = Sandbox(self.settings, Path(self._folder.name), user=self.user)
        try:
            self.loop.call(self.sandbox.__aenter__())
        except (DataFileError, DatabaseError, SettingsError, KeyboardInterrupt):
            self._close()
            raise
        except Exception as error:
            logging.getLogger(__name__).exception("The sandbox could not start")
            self._close()
            raise SandboxError(START_FAILED.format(error=error, log=log_path)) from None
        if self.sandbox.warning:
            self.errors.print(Text(self.sandbox.warning, style="yellow"))
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.loop is not None:
            if self.sandbox is not None:
                self.loop.call(self.sandbox.stop(), timeout=15)
            self.loop.close()
        self._folder.cleanup()
        if self.log is not None:
            self.log.close()
            if self.log.error_count:
                self.errors.print(ERRORS_LOGGED.format(log=self.log.baseFilename))
            else:
                Path(self.log.baseFilename).unlink(missing_ok=True)

    # -- the three ways in ------------------------------------------------------------------

    def prompt(self) -> int:
        """Read commands at a prompt until quit or end of input."""
        assert self.sandbox is not None
        if self.interactive:
            readline_completion(self)
            self.console.print(Text(self.sandbox.welcome, style="cyan"))
        failures = 0
        for line in self._lines():
            try:
                outcome = self.execute(line)
            except KeyboardInterrupt:
                self.console.print(Text(INTERRUPTED, style="yellow"))
                continue
            failures += not outcome.ok
            if outcome.quit:
                break
        return EXIT_OK if self.interactive or not failures else EXIT_BAD_INPUT

    def ask(self, line: str) -> int:
        """One command, its reply, done."""
        if runs_nothing(line):
            self.console.print(Text(ASK_WHAT, style="yellow"))
            return EXIT_BAD_INPUT
        outcome = self.execute(line, echo=False)
        return EXIT_OK if outcome.ok else EXIT_BAD_INPUT

    def execute(self, line: str, *, echo: bool = True) -> Outcome:
        assert self.sandbox is not None and self.loop is not None
        if echo and not self.interactive and line.strip():
            self.console.print(Text(ECHO.format(line=line.rstrip("\n")), style="dim"))
        outcome = self.loop.call(self.sandbox.run(line))
        self.show(outcome)
        while outcome.form is not None:
            values = self.fill(outcome.form)
            if values is None:
                self.sandbox.close_form()
                self.console.print(Text(CANCELLED, style="yellow"))
                return Outcome(ok=False)
            outcome = self.loop.call(self.sandbox.submit_form(values))
            self.show(outcome)
        return outcome

    def show(self, outcome: Outcome) -> None:
        for renderable in outcome.output:
            self.console.print(renderable)

    # -- reading -------------------------------------------------------------------------------

    def _lines(self) -> Iterator[str]:
        while True:
            try:
                if self.interactive:
                    assert self.sandbox is not None
                    yield input(PROMPT.format(user=self.sandbox.user))
                else:
                    line = self.stdin.readline()
                    if not line:
                        return
                    yield line.rstrip("\n")
            except EOFError:
                self.console.print()
                return
            except KeyboardInterrupt:
                self.console.print()

    def fill(self, form: Form) -> dict[str, str] | None:
        """The form's values by field id; None if it was cancelled or can't be sent."""
        how = HOW_INTERACTIVE if self.interactive else ""
        self.console.print(Text(OPENED.format(title=form.title, how=how), style="cyan"))
        values: dict[str, str] = {}
        try:
            for field in form.fields:
                while True:
                    value = self._read_field(
                        field.prompt(interactive=self.interactive), field.paragraph
                    )
                    if value is None:
                        return None
                    value = field.answer(value)
                    trouble = field.problem(value)
                    if trouble is None:
                        values[field.custom_id] = value
                        break
                    if not self.interactive:
                        self.console.print(Text(NOT_SENT.format(problem=trouble), style="yellow"))
                        return None
                    self.console.print(Text(trouble, style="yellow"))
        except KeyboardInterrupt:
            self.console.print()
            return None
        return values

    def _read_field(self, prompt: str, paragraph: bool) -> str | None:
        if not self.interactive:
            line = self.stdin.readline()
            if not line:
                return None
            value = piped_value(line)
            self.console.print(Text(prompt + value.replace("\n", "\\n"), style="dim"))
            return value
        try:
            if not paragraph:
                return input(prompt).strip()
            self.console.print(prompt)
            lines: list[str] = []
            while (line := input("  ")) != "":
                lines.append(line)
            return "\n".join(lines).strip()
        except EOFError:
            return None


def readline_completion(terminal: Terminal) -> None:
    """Tab completes commands, options, channels, roles and button labels."""
    try:
        import readline
    except ImportError:  # not every Python has readline; the prompt works without it
        return
    matches: list[str] = []

    async def values() -> dict[str, list[str]]:
        assert terminal.sandbox is not None
        return terminal.sandbox.completion_values()

    def complete(text: str, state: int) -> str | None:
        nonlocal matches
        if state == 0:
            assert terminal.sandbox is not None and terminal.loop is not None
            before = readline.get_line_buffer()[: readline.get_endidx()]
            try:
                offered = terminal.loop.call(values(), timeout=1)
            except Exception:
                offered = {}
            matches = completions(before, terminal.sandbox.catalog, offered)
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims(" ")
    readline.set_completer(complete)
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")


def run_sandbox(settings: Settings, line: str | None = None, user: str = "member") -> int:
    """`kdrama-bot sandbox` (line None) or `kdrama-bot ask LINE`; returns the exit code.

    Raises DataFileError, DatabaseError, SettingsError or SandboxError when the sandbox cannot
    start.
    """
    # SIGTERM ends the session like quit does, so the temporary folder is still removed.
    signal.signal(signal.SIGTERM, _quit)
    # Bytes that are not UTF-8 are read as lone surrogates, which the sandbox refuses politely,
    # and echoed back as they came, instead of a UnicodeDecodeError at the next line.
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")
    with Terminal(settings, sys.stdin, sys.stdout, sys.stderr, user) as terminal:
        return terminal.prompt() if line is None else terminal.ask(line)


def _quit(signum: int, frame: object) -> None:
    raise SystemExit(EXIT_OK)

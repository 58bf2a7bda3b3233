"""Logging set-up: one line per event on stderr, as text or JSON, with the bot token redacted.

Every event is exactly one line, so a log collector (journald, docker, a grep) never splits one
event into several: in text, the line breaks of a message or traceback are written as `\\n`.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
REDACTED = "[redacted]"


class Redactor:
    """Replaces each secret in a text; empty secrets (an unset token) are ignored."""

    def __init__(self, secrets: list[str]) -> None:
        self._secrets = [secret for secret in secrets if secret]

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class RedactingFormatter(logging.Formatter):
    """Text: time, level, logger and message on one line, tracebacks included."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._redact = Redactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record)).replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """One JSON object per event: time, level, logger, message, and the traceback if any."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._redact = Redactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._redact(record.getMessage()),
        }
        if record.exc_info:
            event["exception"] = self._redact(self.formatException(record.exc_info))
        if record.stack_info:
            event["stack"] = self._redact(self.formatStack(record.stack_info))
        return json.dumps(event, ensure_ascii=False)


def make_formatter(log_format: str, secrets: list[str]) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(secrets)
    return RedactingFormatter(FORMAT, secrets)


def setup_logging(
    level: int | str,
    secrets: list[str],
    log_format: str = "text",
    stream: TextIO | None = None,
) -> None:
    """Send every logger's events to `stream` (stderr), replacing any handler set before."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(make_formatter(log_format, secrets))
    install_handler(handler, level)


def install_handler(handler: logging.Handler, level: int | str) -> None:
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # aiosqlite logs every statement at DEBUG; that drowns everything else.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, root.level))

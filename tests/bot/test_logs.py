import io
import json
import logging
import sys

import pytest

from bot.logs import FORMAT, JsonFormatter, RedactingFormatter, setup_logging


def record_with_traceback(message: str, *args: object) -> logging.LogRecord:
    try:
        raise RuntimeError("bad " + "tok-" + "123")
    except RuntimeError:
        exc_info = sys.exc_info()
    return logging.LogRecord("discord", logging.ERROR, __file__, 1, message, args, exc_info)


def test_token_is_redacted_from_messages_and_tracebacks():
    formatter = RedactingFormatter(FORMAT, secrets=["tok-123"])
    text = formatter.format(record_with_traceback("sent %s", "tok-123"))
    assert "tok-123" not in text
    assert "sent [redacted]" in text
    assert "RuntimeError: bad [redacted]" in text


def test_text_format_is_one_line_per_event_with_level_logger_and_message():
    formatter = RedactingFormatter(FORMAT, secrets=[])
    text = formatter.format(record_with_traceback("first\nsecond"))
    assert "\n" not in text
    assert " ERROR    discord: first\\nsecond\\nTraceback (most recent call last):" in text


def test_json_format_is_one_object_per_line_with_the_token_redacted():
    formatter = JsonFormatter(secrets=["tok-123"])
    line = formatter.format(record_with_traceback("sent %s\nto 옥택연", "tok-123"))
    assert "\n" not in line and "tok-123" not in line
    event = json.loads(line)
    assert event["level"] == "ERROR"
    assert event["logger"] == "discord"
    assert event["message"] == "sent [redacted]\nto 옥택연"
    assert event["exception"].endswith("RuntimeError: bad [redacted]")
    assert event["time"].endswith("+00:00")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_setup_logging_sends_every_logger_to_the_stream(log_format):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        setup_logging("INFO", secrets=["tok-123"], log_format=log_format, stream=stream)
        logging.getLogger("bot.test").info("token tok-123 in a message")
        logging.getLogger("bot.test").debug("not shown at INFO")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert "tok-123" not in lines[0] and "[redacted]" in lines[0]
    if log_format == "json":
        assert json.loads(lines[0])["logger"] == "bot.test"
    else:
        assert "INFO     bot.test: token [redacted] in a message" in lines[0]

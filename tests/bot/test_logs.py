import logging
import sys

from bot.logs import FORMAT, RedactingFormatter


def test_token_is_redacted_from_messages_and_tracebacks():
    formatter = RedactingFormatter(FORMAT, secrets=["tok-123"])
    try:
        raise RuntimeError("bad " + "tok-" + "123")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "discord", logging.ERROR, __file__, 1, "sent %s", ("tok-123",), exc_info=exc_info
    )
    text = formatter.format(record)
    assert "tok-123" not in text
    assert "sent [redacted]" in text
    assert "RuntimeError: bad [redacted]" in text

"""kdrama-bot: a self-hosted Discord bot for K-drama fan communities."""

__version__ = "0.1.0"

# What `kdrama-bot` returns after Ctrl-C: bot.__main__.main's EXIT_OK, which it cannot import yet.
INTERRUPTED = 0


def command_line() -> int:
    """`kdrama-bot`: the command line (bot/__main__.py), imported inside a `try`. Loading it takes
    a few hundred milliseconds, and Ctrl-C meanwhile must end the command as quietly as Ctrl-C
    once it runs, not with a traceback."""
    try:
        from bot.__main__ import main

        return main()
    except KeyboardInterrupt:
        return INTERRUPTED

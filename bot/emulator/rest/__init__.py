"""REST route handlers, grouped by resource; `ROUTES` is the emulator's full route table."""

from __future__ import annotations

from . import core, interactions, messages

ROUTES = [*core.ROUTES, *messages.ROUTES, *interactions.ROUTES]

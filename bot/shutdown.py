"""Stopping without cutting an answer off: the answers in progress finish first."""

from __future__ import annotations

import asyncio

# discord.py runs each slash command, button press and form submission as a task with one of
# these names; those are the answers a shutdown waits for.
IN_FLIGHT_TASKS = ("CommandTree-invoker", "discord-ui-view-dispatch-", "discord-ui-modal-dispatch-")


async def finish_answers_in_progress(grace: float) -> None:
    """Wait (at most `grace` seconds) until no slash command, button or form is being
    answered, including any that start meanwhile."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    current = asyncio.current_task()
    while (remaining := deadline - loop.time()) > 0:
        busy = [
            task
            for task in asyncio.all_tasks()
            if task is not current and task.get_name().startswith(IN_FLIGHT_TASKS)
        ]
        if not busy:
            return
        await asyncio.wait(busy, timeout=remaining)

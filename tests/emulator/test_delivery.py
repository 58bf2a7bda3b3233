"""Posting reliably: nonces, held requests, injected failures and reading back history."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest

from bot.emulator import NONCE_WINDOW, Emulator, Overwrite, Perm, default_world

from .conftest import StartBot, connected, text_channel

MESSAGES = "/channels/{channel_id}/messages"


def _creates(emu: Emulator) -> list[str]:
    """Ids of the messages dispatched as MESSAGE_CREATE so far."""
    return [f.d["id"] for f in emu.gateway_frames if f.t == "MESSAGE_CREATE"]


# -- nonce with enforce_nonce -----------------------------------------------------------------


async def test_nonce_returns_the_first_message_within_the_window(
    emu: Emulator, client: discord.Client
) -> None:
    general = text_channel(client, emu, "general")
    first = await general.send("Watch party at 8", nonce="ann-1")
    creates = _creates(emu)

    emu.clock.advance(NONCE_WINDOW.total_seconds() - 5)
    again = await general.send("Watch party at 8 (retry)", nonce="ann-1")
    assert (again.id, again.content) == (first.id, "Watch party at 8")
    assert _creates(emu) == creates  # nothing new was dispatched
    assert [m.id for m in emu.channel_messages("general")] == [first.id]
    elsewhere = await text_channel(client, emu, "announcements").send("x", nonce="ann-1")
    assert elsewhere.id == first.id  # documented per author, not per channel

    emu.clock.advance(10)  # now past the window
    later = await general.send("Watch party next week", nonce="ann-1")
    assert later.id != first.id
    assert _creates(emu) == [*creates, str(later.id)]


async def test_nonce_without_enforce_or_after_delete_creates(
    emu: Emulator, client: discord.Client
) -> None:
    general = text_channel(client, emu, "general")
    first = await general.send("one", nonce="n-1")
    loose = await client.http.request(
        discord.http.Route("POST", MESSAGES, channel_id=general.id),
        json={"content": "two", "nonce": "n-1"},  # no enforce_nonce: no check
    )
    assert int(loose["id"]) != first.id and loose["nonce"] == "n-1"

    deleted = await general.send("three", nonce="n-2")
    await deleted.delete()
    assert (await general.send("three", nonce="n-2")).id != deleted.id


async def test_nonce_holds_across_a_restart(emu: Emulator, start_bot: StartBot) -> None:
    first_client = await connected(start_bot)
    first_session = (await emu.wait_for_ready()).id
    sent = await text_channel(first_client, emu, "general").send("once", nonce="restart-1")
    await first_client.close()
    await emu.wait_until(lambda: not emu.gateway.live_sessions(), what="the bot to go away")

    second_client = await connected(start_bot)  # new HTTP session, new gateway session
    assert (await emu.wait_for_ready()).id != first_session
    again = await text_channel(second_client, emu, "general").send("once", nonce="restart-1")
    assert again.id == sent.id
    assert [m.id for m in emu.channel_messages("general")] == [sent.id]


# -- holding requests -------------------------------------------------------------------------


async def test_hold_before_processing(emu: Emulator, client: discord.Client) -> None:
    general = text_channel(client, emu, "general")
    hold = emu.hold("POST", MESSAGES)

    task = asyncio.create_task(general.send("held back"))
    request = await asyncio.wait_for(hold.arrived, 5)
    assert request.json["content"] == "held back" and request.status is None
    await asyncio.sleep(0.05)
    assert not task.done() and emu.channel_messages("general") == []

    hold.release()
    sent = await task
    assert [m.id for m in emu.channel_messages("general")] == [sent.id]
    await general.send("a released hold catches nothing more")
    assert hold.held == [request]


async def test_hold_after_processing_then_drop(emu: Emulator, client: discord.Client) -> None:
    general = text_channel(client, emu, "general")
    news = emu.channel("news")
    # Only posts to #news are held; the predicate sees the recorded request.
    hold = emu.hold(
        "POST",
        MESSAGES,
        after_processing=True,
        predicate=lambda r: r.params["channel_id"] == str(news.id),
    )
    await general.send("not held")

    task = asyncio.create_task(text_channel(client, emu, "news").send("posted", nonce="once"))
    request = await asyncio.wait_for(hold.arrived, 5)
    (created,) = emu.channel_messages("news")  # it exists; the bot has not heard back
    assert request.status == 200 and request.response["id"] == str(created.id)
    assert str(created.id) in _creates(emu)

    hold.drop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await task  # discord.py does not retry a dropped connection
    assert request.dropped
    retry = await text_channel(client, emu, "news").send("posted", nonce="once")
    assert retry.id == created.id and emu.channel_messages("news") == [created]


async def test_requests_held_at_the_end_are_dropped() -> None:
    async with Emulator(default_world()) as emu, aiohttp.ClientSession() as session:
        hold = emu.hold("POST", MESSAGES)
        url = f"{emu.api_base}/channels/{emu.channel('general').id}/messages"
        headers = {"Authorization": f"Bot {emu.token}"}
        # POST, because aiohttp retries an idempotent GET on a dropped connection.
        task = asyncio.create_task(session.post(url, json={"content": "x"}, headers=headers))
        await asyncio.wait_for(hold.arrived, 5)
        await asyncio.wait_for(emu.stop(), 2)
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await task
        assert hold.outcome == "dropped" and emu.requests[0].dropped
        assert emu.channel_messages("general") == []


# -- injected failures on POST /channels/{id}/messages --------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (403, 50013, discord.Forbidden),
        (404, 10003, discord.NotFound),
        (503, 0, discord.DiscordServerError),  # not among the statuses discord.py retries
    ],
)
async def test_post_failures_reach_the_bot(
    emu: Emulator, client: discord.Client, status: int, code: int, error: type[Exception]
) -> None:
    emu.fail("POST", MESSAGES, status, code)
    with pytest.raises(error) as raised:
        await text_channel(client, emu, "general").send("x")
    assert isinstance(raised.value, discord.HTTPException)
    assert (raised.value.status, raised.value.code) == (status, code)
    assert [r.status for r in emu.requests_to("POST", MESSAGES)] == [status]
    assert emu.channel_messages("general") == []


async def test_500_and_429_are_retried_by_discordpy(emu: Emulator, client: discord.Client) -> None:
    general = text_channel(client, emu, "general")
    emu.fail("POST", MESSAGES, 500)
    await general.send("after a 500")  # discord.py sleeps a second, then retries
    emu.fail("POST", MESSAGES, 429, retry_after=0.3)
    await general.send("after a 429")

    requests = emu.requests_to("POST", MESSAGES)
    assert [r.status for r in requests] == [500, 200, 429, 200]
    assert requests[2].response["retry_after"] == 0.3
    assert requests[3].time - requests[2].time >= 0.3  # it waited as told
    assert [m.content for m in emu.channel_messages("general")] == ["after a 500", "after a 429"]


# -- reading history back ---------------------------------------------------------------------


async def test_listing_honours_before_after_around_and_limit(
    emu: Emulator, client: discord.Client
) -> None:
    general = text_channel(client, emu, "general")
    ids = []
    for i in range(8):
        ids.append((await general.send(f"m{i}")).id)
        # A time given to history() counts whole milliseconds: keep the messages in different
        # ones, or "after m5's time" would also leave out an m6 sent in the same millisecond.
        await asyncio.sleep(0.002)

    async def listing(limit: int = 50, **anchor: int) -> list[int]:
        return [int(m["id"]) for m in await client.http.logs_from(general.id, limit, **anchor)]

    assert await listing() == ids[::-1]  # newest first
    assert await listing(3) == [ids[7], ids[6], ids[5]]
    assert await listing(2, before=ids[5]) == [ids[4], ids[3]]
    assert await listing(3, after=ids[2]) == [ids[5], ids[4], ids[3]]  # right after, newest first
    assert await listing(after=ids[7]) == []
    assert await listing(5, around=ids[4]) == [ids[6], ids[5], ids[4], ids[3], ids[2]]
    assert await listing(1, around=ids[4]) == [ids[4]]
    assert await listing(4, around=ids[0]) == [ids[3], ids[2], ids[1], ids[0]]

    # What a bot does after a crash: its messages since some moment, oldest first.
    since = discord.utils.snowflake_time(ids[5])
    assert [m.id async for m in general.history(after=since)] == ids[6:]

    for bad in ({"before": ids[1], "after": ids[0]}, {"limit": 101}, {"limit": 0}):
        limit = int(bad.pop("limit", 50))
        with pytest.raises(discord.HTTPException) as exc:
            await listing(limit, **bad)
        assert (exc.value.status, exc.value.code) == (400, 50035)

    bot_role = emu.world.bot_role(emu.guild)
    await emu.set_overwrites("general", [Overwrite.role(bot_role, deny=Perm.READ_MESSAGE_HISTORY)])
    assert await listing() == []  # documented: no messages without Read Message History

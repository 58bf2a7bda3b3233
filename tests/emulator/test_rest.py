"""REST behaviour seen through discord.py: auth, permissions, limits, mentions, faults."""

from __future__ import annotations

import io

import aiohttp
import discord
import pytest

from bot.emulator import Emulator
from bot.emulator.world import Intents

from .conftest import StartBot, connected, make_client, text_channel


async def _raw_post(emu: Emulator, channel: str, body: dict) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{emu.api_base}/channels/{emu.channel(channel).id}/messages",
            json=body,
            headers={"Authorization": f"Bot {emu.token}"},
        ) as resp,
    ):
        return resp.status, await resp.json()


async def test_bad_token_is_a_login_failure(emu: Emulator) -> None:
    client, _tree = make_client()
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()
    (request,) = emu.requests
    assert (request.method, request.path, request.status) == ("GET", "/users/@me", 401)
    assert request.response == {"message": "401: Unauthorized", "code": 0}
    assert request.headers["Authorization"] == "<invalid token>"


async def test_json_content_type_and_unknown_route(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bot {emu.token}"}
        async with session.get(f"{emu.api_base}/users/@me", headers=headers) as resp:
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["id"] == str(emu.bot_user.id)
        async with session.get(f"{emu.api_base}/nope", headers=headers) as resp:
            assert resp.status == 404 and await resp.json() == {
                "message": "404: Not Found",
                "code": 0,
            }
        async with session.delete(f"{emu.api_base}/users/@me", headers=headers) as resp:
            assert resp.status == 405
    assert [r.path for r in emu.unhandled] == ["/nope", "/users/@me"]
    emu.unhandled.clear()  # expected here; the fixture fails on stray ones


async def test_permission_errors_surface_as_forbidden(emu: Emulator, start_bot: StartBot) -> None:
    client = await connected(start_bot)
    embed = discord.Embed(title="Episode 1", description="Tonight!")

    with pytest.raises(discord.Forbidden) as hidden:
        await text_channel(client, emu, "mod-only").send("hello")
    assert hidden.value.code == 50001
    with pytest.raises(discord.Forbidden) as read_only:
        await text_channel(client, emu, "read-only").send("hello")
    assert read_only.value.code == 50013
    with pytest.raises(discord.Forbidden) as no_embeds:
        await text_channel(client, emu, "no-embeds").send(embed=embed)
    assert no_embeds.value.code == 50013

    plain = await text_channel(client, emu, "no-embeds").send("text is fine")
    with_embed = await text_channel(client, emu, "general").send(embed=embed)
    assert [m.id for m in emu.channel_messages("no-embeds")] == [plain.id]
    assert emu.message(with_embed.id).embeds[0]["title"] == "Episode 1"


async def test_unknown_channel_and_message(emu: Emulator, start_bot: StartBot) -> None:
    client = await connected(start_bot)
    with pytest.raises(discord.NotFound) as channel_missing:
        await client.get_partial_messageable(123456789012345678).send("x")
    assert channel_missing.value.code == 10003
    with pytest.raises(discord.NotFound) as message_missing:
        await text_channel(client, emu, "general").fetch_message(123456789012345678)
    assert message_missing.value.code == 10008


async def test_payloads_over_documented_limits(emu: Emulator, start_bot: StartBot) -> None:
    client = await connected(start_bot)
    general = text_channel(client, emu, "general")

    async def rejected(**kwargs: object) -> str:
        with pytest.raises(discord.HTTPException) as exc:
            await general.send(**kwargs)
        assert exc.value.status == 400 and exc.value.code == 50035
        return exc.value.text

    assert "In content: Must be 2000 or fewer in length." in await rejected(content="x" * 2001)
    assert "embeds.0.title" in await rejected(embed=discord.Embed(title="t" * 257))
    assert "embeds.0.description" in await rejected(embed=discord.Embed(description="d" * 4097))
    many_fields = discord.Embed(title="fields")
    for i in range(26):
        many_fields.add_field(name=f"f{i}", value="v")
    assert "embeds.0.fields" in await rejected(embed=many_fields)
    long_value = discord.Embed().add_field(name="n", value="v" * 1025)
    assert "embeds.0.fields.0.value" in await rejected(embed=long_value)
    assert "embeds.0.footer.text" in await rejected(
        embed=discord.Embed().set_footer(text="f" * 2049)
    )
    assert "embeds.0.author.name" in await rejected(
        embed=discord.Embed().set_author(name="a" * 257)
    )
    # discord.py itself refuses > 10 embeds, so send that one raw.
    status, error = await _raw_post(emu, "general", {"embeds": [{"title": "t"}] * 11})
    assert (status, error["code"]) == (400, 50035) and "_errors" in error["errors"]["embeds"]
    big = [discord.Embed(description="d" * 4000), discord.Embed(description="d" * 2001)]
    assert "6000" in await rejected(embeds=big)
    # Exactly at the limits is fine, and whitespace around embed text does not count.
    ok = await general.send("x" * 2000, embed=discord.Embed(title="  " + "t" * 256 + "  "))
    assert emu.message(ok.id).content == "x" * 2000


async def test_allowed_mentions_decide_who_is_pinged(emu: Emulator, start_bot: StartBot) -> None:
    client = await connected(start_bot)
    general = text_channel(client, emu, "general")
    watch_party = emu.role("Watch Party")
    text = f"@everyone {watch_party.mention} {emu.member.mention} new episode!"

    none = emu.message(
        (await general.send(text, allowed_mentions=discord.AllowedMentions.none())).id
    )
    assert (none.mention_everyone, none.mention_roles, none.mentions) == (False, [], [])
    assert emu.pinged(none) == set()

    roles_only = emu.message(
        (
            await general.send(
                text,
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, users=False, roles=[discord.Object(watch_party.id)]
                ),
            )
        ).id
    )
    assert roles_only.mention_roles == [watch_party.id]
    assert not roles_only.mention_everyone and roles_only.mentions == []
    assert emu.pinged(roles_only) == {emu.member.id}
    sent = emu.requests_to("POST", "/channels/{channel_id}/messages")[-1]
    assert sent.json["allowed_mentions"]["roles"] == [watch_party.id]

    default = emu.message((await general.send(text)).id)  # no allowed_mentions: parse all
    assert default.mention_everyone and default.mention_roles == [watch_party.id]
    assert default.mention_ids == [emu.member.id]
    assert emu.pinged(default) == {emu.owner.id, emu.admin.id, emu.member.id}

    # Editing without allowed_mentions re-parses with the defaults.
    edited = await general.fetch_message(none.id)
    await edited.edit(content=f"{emu.admin.mention} fixed")
    assert none.mention_ids == [emu.admin.id] and not none.mention_everyone


async def test_allowed_mentions_parse_and_list_are_exclusive(emu: Emulator) -> None:
    body = {
        "content": f"<@{emu.member.id}>",
        "allowed_mentions": {"parse": ["users"], "users": [str(emu.member.id)]},
    }
    status, error = await _raw_post(emu, "general", body)
    assert status == 400 and error["code"] == 50035
    assert error["errors"]["allowed_mentions"]["_errors"][0]["code"] == (
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"
    )
    assert emu.channel_messages("general") == []


async def test_messages_fetch_edit_delete_and_files(emu: Emulator, start_bot: StartBot) -> None:
    client = await connected(start_bot)
    general = text_channel(client, emu, "general")
    first = await general.send("one")
    second = await general.send("two", file=discord.File(io.BytesIO(b"hello"), "note.txt"))
    assert second.attachments[0].filename == "note.txt"
    assert await second.attachments[0].read() == b"hello"
    assert emu.requests_to("POST", "/channels/{channel_id}/messages")[-1].files[0].size == 5

    history = [m.content async for m in general.history(limit=10)]
    assert history == ["two", "one"]
    reply = await first.reply("re: one", mention_author=False)
    assert emu.message(reply.id).type == 19 and emu.message(reply.id).referenced_message

    # discord.py sends enforce_nonce with a nonce: a retry returns the same message.
    once = await general.send("only once", nonce="retry-1")
    again = await general.send("only once", nonce="retry-1")
    assert once.id == again.id
    await once.delete()

    await second.edit(content="two (edited)")
    assert emu.message(second.id).edited_timestamp is not None
    await first.delete()
    assert [m.content for m in emu.channel_messages("general")] == ["two (edited)", "re: one"]


async def test_fault_injection(emu: Emulator, start_bot: StartBot) -> None:
    client = await connected(start_bot)
    general = text_channel(client, emu, "general")
    route = "/channels/{channel_id}/messages"

    emu.fail("POST", route, 403, 50013)
    with pytest.raises(discord.Forbidden):
        await general.send("blocked")
    await general.send("works again")

    emu.fail("POST", route, 429, retry_after=0.01)
    await general.send("after a rate limit")  # discord.py waits retry_after and retries
    statuses = [r.status for r in emu.requests_to("POST", route)]
    assert statuses == [403, 200, 429, 200]
    assert [m.content for m in emu.channel_messages("general")] == [
        "works again",
        "after a rate limit",
    ]


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 200), ("?limit=1000", 200), ("?limit=0", 400), ("?limit=1001", 400), ("?limit=x", 400)],
)
async def test_listing_members_bounds_limit_as_documented(
    emu: Emulator, query: str, status: int
) -> None:
    emu.world.application.privileged_intents |= Intents.GUILD_MEMBERS
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{emu.api_base}/guilds/{emu.guild.id}/members{query}",
            headers={"Authorization": f"Bot {emu.token}"},
        ) as resp,
    ):
        body = await resp.json()
    assert resp.status == status, body
    if status == 400:
        assert body["code"] == 50035 and "limit" in body["errors"]
    else:
        assert len(body) == (1 if not query else len(emu.guild.members))


async def test_a_forward_carries_a_snapshot_not_a_reply(emu: Emulator, start_bot: StartBot) -> None:
    client = await connected(start_bot)
    original = await emu.post_message("member", "general", "Episode 3 is out!")
    cached = await text_channel(client, emu, "general").fetch_message(original.id)
    forward = await cached.forward(text_channel(client, emu, "announcements"))
    sent = emu.message(forward.id).to_dict()
    assert sent["type"] == 0 and "referenced_message" not in sent
    assert sent["message_reference"] == {
        "type": 1,
        "channel_id": str(emu.channel("general").id),
        "message_id": str(original.id),
        "guild_id": str(emu.guild.id),
    }
    assert sent["flags"] & (1 << 14)
    [snapshot] = sent["message_snapshots"]
    assert snapshot["message"]["content"] == "Episode 3 is out!"
    assert "author" not in snapshot["message"]
    assert forward.message_snapshots[0].content == "Episode 3 is out!"


async def test_a_forward_needs_a_message_the_bot_can_see(emu: Emulator) -> None:
    hidden = await emu.post_message("admin", "mod-only", "Mods only.")
    reference = {"type": 1, "message_id": str(hidden.id), "channel_id": str(hidden.channel_id)}
    status, body = await _raw_post(emu, "general", {"message_reference": reference})
    assert (status, body["code"]) == (403, 50001)
    status, body = await _raw_post(
        emu, "general", {"message_reference": {"type": 1, "message_id": str(hidden.id)}}
    )
    assert (status, body["code"]) == (400, 50035)
    assert "channel_id" in body["errors"]["message_reference"]


async def test_a_scope_holds_at_most_100_slash_and_15_context_menu_commands(
    emu: Emulator,
) -> None:
    url = f"{emu.api_base}/applications/{emu.application_id}/guilds/{emu.guild.id}/commands"
    headers = {"Authorization": f"Bot {emu.token}"}

    def slash(i: int) -> dict:
        return {"name": f"c{i}", "description": "d"}

    async with aiohttp.ClientSession(headers=headers) as session:

        async def call(method: str, body: object) -> tuple[int, dict | list]:
            async with session.request(method, url, json=body) as resp:
                return resp.status, await resp.json()

        users = [{"type": 2, "name": f"User {i}"} for i in range(16)]
        for too_many in ([slash(i) for i in range(101)], users):
            status, error = await call("PUT", too_many)
            assert status == 400 and isinstance(error, dict) and error["code"] == 30032
        assert emu.commands.scope(emu.guild.id) == []
        full = [slash(i) for i in range(100)] + users[:15]
        assert (await call("PUT", full))[0] == 200
        status, error = await call("POST", slash(100))
        assert status == 400 and isinstance(error, dict) and error["code"] == 30032
        assert (await call("POST", {**slash(99), "description": "new"}))[0] == 200
    assert len(emu.commands.scope(emu.guild.id)) == 115


async def test_a_route_429_carries_the_route_rate_limit_headers(emu: Emulator) -> None:
    route = "/channels/{channel_id}/messages"
    emu.fail("POST", route, 429, retry_after=64.57)
    emu.fail("POST", route, 429, retry_after=2.5, is_global=True)
    url = f"{emu.api_base}/channels/{emu.channel('general').id}/messages"
    got = []
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {emu.token}"}) as session:
        for _ in range(2):
            before = emu.clock.now()
            async with session.post(url, json={"content": "x"}) as resp:
                got.append((resp.status, dict(resp.headers), await resp.json(), before))
    (status, route_headers, body, before), (_, global_headers, global_body, _) = got
    assert status == 429 and body == {
        "message": body["message"],
        "retry_after": 64.57,
        "global": False,
    }
    assert route_headers["Retry-After"] == "65" and route_headers["X-RateLimit-Scope"] == "user"
    assert route_headers["X-RateLimit-Remaining"] == "0"
    assert int(route_headers["X-RateLimit-Limit"]) > 0
    assert float(route_headers["X-RateLimit-Reset-After"]) == 64.57
    assert float(route_headers["X-RateLimit-Reset"]) - before >= 64.57
    assert route_headers["X-RateLimit-Bucket"]
    # A global limit is not a route's: no route headers, as in the documented example.
    assert global_body["global"] is True and global_headers["X-RateLimit-Global"] == "true"
    assert "X-RateLimit-Bucket" not in global_headers and global_headers["Retry-After"] == "3"

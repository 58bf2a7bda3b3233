"""Interactions end to end: scripted users against the real discord.py client."""

from __future__ import annotations

import asyncio
import io

import aiohttp
import discord
import pytest
from discord import app_commands

from bot.emulator import Emulator, EmulatorError

from .conftest import StartBot, make_client, sync_on_start


async def test_command_sync_returns_ids(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()
    synced: list[list[app_commands.AppCommand]] = []

    @tree.command(name="hello", description="Say hello")
    @app_commands.default_permissions(manage_guild=True)
    async def hello(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("hi")

    async def setup_hook() -> None:
        synced.append(await tree.sync())
        synced.append(await tree.sync())  # same commands again: same ids, same version

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    await start_bot(client)

    (first,), (second,) = synced
    stored = (await emu.wait_for_commands(["hello"]))[0]
    assert first.id == second.id == stored.id
    assert first.application_id == emu.application_id and first.guild_id is None
    assert first.default_member_permissions == discord.Permissions(manage_guild=True)
    assert stored.to_dict()["version"] == str(stored.version)
    fetched = await tree.fetch_commands()
    assert [c.id for c in fetched] == [stored.id]


async def test_slash_round_trip_with_subcommands_and_resolved(
    emu: Emulator, start_bot: StartBot
) -> None:
    client, tree = make_client()
    seen: list[str] = []
    show = app_commands.Group(name="show", description="Shows")

    @show.command(name="info", description="Show info")
    async def info(
        interaction: discord.Interaction,
        title: str,
        who: discord.Member,
        role: discord.Role,
        where: discord.TextChannel,
        episodes: int = 16,
    ) -> None:
        seen.append(f"{title}|{who.name}|{role.name}|{where.name}|{episodes}")
        assert interaction.channel is not None and interaction.channel.name == "announcements"
        assert not interaction.permissions.manage_guild  # the member has no Manage Server
        await interaction.response.send_message(f"**{title}** for {who.mention}")

    tree.add_command(show)
    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["show"])

    handle = await emu.slash(
        emu.member,
        "show info",
        {"title": "Soul Mate", "who": "admin", "role": "Watch Party", "where": "#general"},
        channel="announcements",
    )
    reply = await handle.message()
    assert seen == ["Soul Mate|admin|Watch Party|general|16"]
    assert reply.content == f"**Soul Mate** for <@{emu.admin.id}>"
    assert reply.type == 20 and not reply.ephemeral and reply.author.id == emu.bot_user.id
    # Interaction responses parse user mentions by default: the admin is pinged.
    assert reply.mention_ids == [emu.admin.id]
    assert emu.channel_messages("announcements") == [reply]

    option = handle.payload["data"]["options"][0]
    assert option["name"] == "info" and option["type"] == 1
    assert {o["name"] for o in option["options"]} == {"title", "who", "role", "where"}
    assert str(emu.admin.id) in handle.payload["data"]["resolved"]["members"]

    with pytest.raises(EmulatorError, match="no option"):
        await emu.slash(emu.member, "show info", {"titel": "typo"})
    with pytest.raises(EmulatorError, match="needs a sub-command"):
        await emu.slash(emu.member, "show")


async def test_default_member_permissions_hide_the_command(
    emu: Emulator, start_bot: StartBot
) -> None:
    client, tree = make_client()

    @tree.command(name="setup", description="Admin only")
    @app_commands.default_permissions(manage_guild=True)
    async def setup_cmd(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("configured", ephemeral=True)

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["setup"])

    with pytest.raises(EmulatorError, match="hidden"):
        await emu.slash(emu.member, "setup")
    reply = await (await emu.slash(emu.admin, "setup")).message()
    assert reply.ephemeral and reply.content == "configured"
    assert emu.channel_messages("general") == []


async def test_deferred_response_then_edit(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()

    @tree.command(name="slow", description="Slow")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(content="done")

    @tree.command(name="slowfollow", description="Slow with a follow-up")
    async def slowfollow(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        await interaction.followup.send("first")  # fills the loading message
        await interaction.followup.send("second")

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["slow", "slowfollow"])

    handle = await emu.slash(emu.member, "slow")
    callback = await handle.response()
    assert callback.type == 5 and callback.ephemeral
    reply = await handle.message()
    assert reply.content == "done" and reply.ephemeral and not reply.loading
    assert reply.history[0]["flags"] == 64 | 128  # was "thinking" before the edit

    handle = await emu.slash(emu.member, "slowfollow")
    first = await handle.message()
    second = await handle.followup(0)
    assert (first.content, second.content) == ("first", "second")
    assert first is handle.original and not first.ephemeral
    assert [m.content for m in emu.channel_messages("general")] == ["first", "second"]


async def test_autocomplete(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()
    names = ["Taeyang", "Taemin", "Jisoo"]

    @tree.command(name="who", description="Find someone")
    async def who(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    @who.autocomplete("name")
    async def who_name(interaction: discord.Interaction, current: str) -> list:
        return [
            app_commands.Choice(name=n, value=n.lower())
            for n in names
            if n.lower().startswith(current)
        ]

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["who"])

    choices = await emu.autocomplete(emu.member, "who", {"name": "tae"}, focused="name")
    assert choices == [
        {"name": "Taeyang", "value": "taeyang"},
        {"name": "Taemin", "value": "taemin"},
    ]
    assert len(await emu.autocomplete(emu.member, "who", {}, focused="name")) == 3
    assert await emu.autocomplete(emu.member, "who", {"name": "zz"}, focused="name") == []


async def test_autocomplete_over_the_limit_is_rejected(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()
    errors: list[discord.HTTPException] = []

    @tree.command(name="many", description="Too many choices")
    async def many(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    @many.autocomplete("name")
    async def many_name(interaction: discord.Interaction, current: str) -> list:
        choices = [app_commands.Choice(name=f"n{i}", value=str(i)) for i in range(26)]
        try:
            await interaction.response.autocomplete(choices)
        except discord.HTTPException as exc:
            errors.append(exc)
        return []

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["many"])
    # The rejected callback does not acknowledge the interaction, so discord.py's own
    # fallback answer (the empty list the callback returned) is accepted afterwards.
    assert await emu.autocomplete(emu.member, "many", {"name": "n"}, focused="name") == []
    assert errors and errors[0].status == 400 and errors[0].code == 50035
    assert "data.choices" in errors[0].text


async def test_autocomplete_values_must_have_the_option_type(
    emu: Emulator, start_bot: StartBot
) -> None:
    client, tree = make_client()
    errors: list[discord.HTTPException] = []
    answers: dict[str, list[app_commands.Choice]] = {
        "7": [app_commands.Choice(name="seven", value="7")],  # a string for an integer
        "big": [app_commands.Choice(name="too big", value=2**53)],
        "ok": [app_commands.Choice(name="seven", value=7)],
    }

    @tree.command(name="episode", description="Pick an episode")
    async def episode(interaction: discord.Interaction, number: int) -> None:
        await interaction.response.send_message(str(number))

    @episode.autocomplete("number")
    async def episode_number(interaction: discord.Interaction, current: str) -> list:
        try:
            await interaction.response.autocomplete(answers[current])
        except discord.HTTPException as exc:
            errors.append(exc)
        return []

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["episode"])
    for typed in ("7", "big"):
        assert await emu.autocomplete(emu.member, "episode", {"number": typed}, "number") == []
    assert [(e.status, e.code) for e in errors] == [(400, 50035)] * 2
    assert all("data.choices.0.value" in e.text for e in errors)
    ok = await emu.autocomplete(emu.member, "episode", {"number": "ok"}, focused="number")
    assert ok == [{"name": "seven", "value": 7}] and len(errors) == 2


class FeedbackModal(discord.ui.Modal, title="Send feedback"):
    headline = discord.ui.TextInput(label="Title", max_length=50)
    body = discord.ui.Label(
        text="Message",
        description="What do you want to say?",
        component=discord.ui.TextInput(style=discord.TextStyle.paragraph, custom_id="msg"),
    )
    extra = discord.ui.TextInput(label="Extra", required=False, default="n/a")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.body.component, discord.ui.TextInput)
        await interaction.response.send_message(
            f"{self.headline.value}: {self.body.component.value} ({self.extra.value})"
        )


async def test_modal_open_and_submit(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()

    @tree.command(name="feedback", description="Give feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["feedback"])

    opener = await emu.slash(emu.member, "feedback")
    modal = await opener.modal()
    assert modal["title"] == "Send feedback"
    assert [c["type"] for c in modal["components"]] == [1, 18, 1]

    with pytest.raises(EmulatorError, match="required"):
        await emu.submit_modal(emu.member, opener, {"Title": "Hi"})
    with pytest.raises(EmulatorError, match="length"):
        await emu.submit_modal(emu.member, opener, {"Title": "x" * 51, "Message": "m"})

    submitted = await emu.submit_modal(
        emu.member, opener, {"Title": "Great show", "msg": "Loved episode 3"}
    )
    reply = await submitted.message()
    assert reply.content == "Great show: Loved episode 3 (n/a)"
    components = submitted.payload["data"]["components"]
    assert components[1]["type"] == 18 and components[1]["component"]["custom_id"] == "msg"
    assert components[0]["components"][0]["value"] == "Great show"


class PostView(discord.ui.View):
    @discord.ui.button(label="Post", style=discord.ButtonStyle.primary, custom_id="post")
    async def post(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Posted!", view=None)

    @discord.ui.button(label="Nope", disabled=True)
    async def nope(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        raise AssertionError("disabled buttons cannot be clicked")


async def test_button_press_updates_the_message(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()

    @tree.command(name="draft", description="Draft a post")
    async def draft(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Draft: hello", view=PostView(), ephemeral=True)

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["draft"])

    opened = await emu.slash(emu.admin, "draft")
    draft_msg = await opened.message()
    assert draft_msg.ephemeral and [b["label"] for b in draft_msg.buttons()] == ["Post", "Nope"]

    with pytest.raises(EmulatorError, match="disabled"):
        await emu.press_button(emu.admin, draft_msg, "Nope")
    with pytest.raises(EmulatorError, match="ephemeral"):
        await emu.press_button(emu.member, draft_msg, "Post")

    pressed = await emu.press_button(emu.admin, draft_msg, "Post")
    assert (await pressed.response()).type == 7
    assert pressed.payload["message"]["id"] == str(draft_msg.id)
    assert draft_msg.content == "Posted!" and draft_msg.components == []
    assert draft_msg.history[-1]["content"] == "Draft: hello"
    assert (await pressed.message()) is draft_msg


async def test_second_callback_is_already_acknowledged(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["ping"])
    handle = await emu.slash(emu.member, "ping")
    await handle.message()

    url = f"{emu.api_base}/interactions/{handle.id}/{handle.token}/callback"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as resp:
            assert resp.status == 400
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["code"] == 40060
        async with session.post(
            url.replace(handle.token, "x" + handle.token), json={"type": 6}
        ) as r:
            assert r.status == 404 and (await r.json())["code"] == 10062
    assert [r.status for r in handle.requests] == [200, 400, 404]
    assert [r.status for r in emu.failed_requests] == [400, 404]


async def test_late_response_and_expired_token(emu: Emulator, start_bot: StartBot) -> None:
    emu.initial_response_deadline = 0.1
    client, tree = make_client()
    errors: list[discord.HTTPException] = []

    @tree.command(name="late", description="Too slow")
    async def late(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.2)
        try:
            await interaction.response.send_message("too late")
        except discord.HTTPException as exc:
            errors.append(exc)

    @tree.command(name="later", description="Follow-up after expiry")
    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("now")
        emu.clock.advance(15 * 60 + 1)
        try:
            await interaction.followup.send("much later")
        except discord.HTTPException as exc:
            errors.append(exc)

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["late", "later"])

    await emu.slash(emu.member, "late")
    await emu.wait_until(lambda: errors or None, timeout=2, what="the late response to fail")
    assert isinstance(errors[0], discord.NotFound) and errors[0].code == 10062

    handle = await emu.slash(emu.member, "later")
    await emu.wait_until(lambda: len(errors) > 1 or None, timeout=2, what="the follow-up to fail")
    assert errors[1].status == 401 and errors[1].code == 50027
    assert handle.followups == []


async def test_interaction_payload_shape(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()
    got: list[discord.Interaction] = []

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        got.append(interaction)
        await interaction.response.send_message("pong", ephemeral=True)

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["ping"])
    handle = await emu.slash(emu.admin, "ping", channel="no-embeds")
    await handle.message()

    payload = handle.payload
    for key in (
        "id",
        "application_id",
        "type",
        "data",
        "guild_id",
        "channel",
        "channel_id",
        "member",
        "token",
        "version",
        "app_permissions",
        "locale",
        "guild_locale",
        "entitlements",
        "authorizing_integration_owners",
        "context",
        "attachment_size_limit",
    ):
        assert key in payload, key
    interaction = got[0]
    assert interaction.permissions.manage_guild  # admin via Moderators
    assert not interaction.app_permissions.embed_links  # the bot in #no-embeds
    assert interaction.app_permissions.send_messages
    assert interaction.user.id == emu.admin.id and isinstance(interaction.user, discord.Member)


class LaterView(discord.ui.View):
    @discord.ui.button(label="Later", custom_id="later")
    async def later(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # components: DEFERRED_UPDATE_MESSAGE
        await interaction.edit_original_response(content="Updated later", view=None)


async def test_deferred_update_edits_the_component_message(
    emu: Emulator, start_bot: StartBot
) -> None:
    client, tree = make_client()

    @tree.command(name="menu", description="Menu")
    async def menu(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Menu", view=LaterView())

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["menu"])
    menu_msg = await (await emu.slash(emu.member, "menu")).message()

    pressed = await emu.press_button(emu.admin, menu_msg, "later")  # by custom_id
    edited = await pressed.message()
    assert (await pressed.response()).type == 6
    assert edited is menu_msg and menu_msg.content == "Updated later" and not menu_msg.buttons()
    assert emu.channel_messages("general") == [menu_msg]


async def test_files_in_interaction_responses_use_multipart(
    emu: Emulator, start_bot: StartBot
) -> None:
    client, tree = make_client()

    @tree.command(name="export", description="Export")
    async def export(interaction: discord.Interaction) -> None:
        file = discord.File(io.BytesIO(b"a,b\n1,2\n"), "export.csv")
        await interaction.response.send_message("here", file=file)
        await interaction.followup.send("copy", file=discord.File(io.BytesIO(b"x"), "x.txt"))

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["export"])
    handle = await emu.slash(emu.member, "export")
    reply = await handle.message()
    followup = await handle.followup()
    assert reply.attachments[0]["filename"] == "export.csv" and reply.attachments[0]["size"] == 8
    assert followup.attachments[0]["filename"] == "x.txt"
    callback = emu.requests_to(
        "POST", "/interactions/{interaction_id}/{interaction_token}/callback"
    )
    assert callback[-1].json["data"]["content"] == "here"  # parsed from payload_json
    assert callback[-1].files[0].data == b"a,b\n1,2\n"


async def test_webhook_needs_a_known_acknowledged_token(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()

    @tree.command(name="silent", description="Never answers")
    async def silent(interaction: discord.Interaction) -> None:
        return

    sync_on_start(client, tree, emu.guild.id)
    await start_bot(client)
    await emu.wait_for_commands(["silent"])
    handle = await emu.slash(emu.member, "silent")

    base = f"{emu.api_base}/webhooks/{emu.application_id}"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base}/{handle.token}", json={"content": "early"}) as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 10015
        async with session.get(f"{base}/unknown-token/messages/@original") as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 10015

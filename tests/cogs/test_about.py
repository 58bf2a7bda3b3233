"""/about through the emulator."""

from bot import __version__


async def test_about_shows_version_counts_and_code(emu, bot):
    reply = await (await emu.slash(emu.member, "about")).message()
    embed = reply.embeds[0]
    assert embed["title"] == f"kdrama-bot {__version__}"
    shown = {field["name"]: field["value"] for field in embed["fields"]}
    assert shown["In the database"] == "1 show · 4 people · 2 characters · 9 quotes"
    assert "repository" in shown["Code"]


async def test_about_lists_every_command_members_can_run_and_the_staff_ones_apart(emu, bot):
    reply = await (await emu.slash(emu.member, "about")).message()
    shown = {field["name"]: field["value"] for field in reply.embeds[0]["fields"]}
    members = shown["Commands"].split(" · ")
    assert members == [
        "`/show info`", "`/show cast`", "`/show list`", "`/who`", "`/quote random`",
        "`/quote search`", "`/quote add`", "`/quote withdraw`", "`/about`",
    ]  # fmt: skip
    staff = shown["For moderators and admins"].split(" · ")
    assert sorted(staff) == ["`/announce`", "`/quote remove`", "`/quote review`", "`/settings`"]

"""/about through the emulator."""

from bot import __version__


async def test_about_shows_version_counts_and_code(emu, bot):
    reply = await (await emu.slash(emu.member, "about")).message()
    embed = reply.embeds[0]
    assert embed["title"] == f"kdrama-bot {__version__}"
    shown = {field["name"]: field["value"] for field in embed["fields"]}
    assert shown["In the database"] == "1 show · 4 people · 2 characters · 9 quotes"
    assert "repository" in shown["Code"]

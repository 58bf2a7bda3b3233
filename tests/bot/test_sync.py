"""Commands are synced at start-up only when their definition changed since the last sync."""

from bot.db.meta import get_meta, set_meta
from bot.sync import SYNC_HASH_KEY
from tests.harness import ALL_COMMANDS, start_bot, stop_bot

GLOBAL = "/applications/{application_id}/commands"
GUILD = "/applications/{application_id}/guilds/{guild_id}/commands"


async def run_once(emu, db, clock, **settings):
    bot, task = await start_bot(emu, db, clock, **settings)
    await stop_bot(bot, task)


async def test_first_start_syncs_globally_and_remembers_the_hash(emu, db, clock):
    await run_once(emu, db, clock)
    [put] = emu.requests_to("PUT", GLOBAL)
    assert sorted(command["name"] for command in put.json) == sorted(ALL_COMMANDS)
    assert emu.requests_to("PUT", GUILD) == []
    assert await get_meta(db, SYNC_HASH_KEY)


async def test_a_restart_with_unchanged_commands_does_not_sync(emu, db, clock):
    await run_once(emu, db, clock)
    await run_once(emu, db, clock)
    assert len(emu.requests_to("PUT", GLOBAL)) == 1


async def test_changed_commands_are_synced_again(emu, db, clock):
    await run_once(emu, db, clock)
    await set_meta(db, SYNC_HASH_KEY, "the hash of an older version")
    await run_once(emu, db, clock)
    assert len(emu.requests_to("PUT", GLOBAL)) == 2


async def test_with_a_guild_id_commands_go_to_that_server_only(emu, db, clock):
    await run_once(emu, db, clock, DISCORD_GUILD_ID=str(emu.guild.id))
    [put] = emu.requests_to("PUT", GUILD)
    assert put.params["guild_id"] == str(emu.guild.id)
    assert emu.requests_to("PUT", GLOBAL) == []
    commands = await emu.wait_for_commands(ALL_COMMANDS, guild=emu.guild.id)
    assert {command.guild_id for command in commands} == {emu.guild.id}
    # Switching to global sync later is a change, so it syncs.
    await run_once(emu, db, clock)
    assert len(emu.requests_to("PUT", GLOBAL)) == 1

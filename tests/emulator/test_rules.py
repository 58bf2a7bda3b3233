"""Discord's rules as pure functions: mentions, permissions, payload limits."""

from __future__ import annotations

from bot.emulator import Overwrite, Perm, World, default_world
from bot.emulator.errors import FormErrors
from bot.emulator.limits import validate_commands, validate_modal
from bot.emulator.mentions import (
    DEFAULT_INTERACTION,
    DEFAULT_REGULAR,
    resolve,
    validate_allowed_mentions,
)
from bot.emulator.messages import assign_component_ids


def _mentions(
    world: World, text: str, allowed: dict | None, *, default=DEFAULT_REGULAR, perms=None
):
    guild = world.guild()
    channel = guild.channel("general")
    if perms is None:
        perms = guild.permissions_for(world.bot, channel)
    return resolve(
        text,
        allowed,
        default=default,
        guild=guild,
        author_permissions=perms,
        known_users={u.id: u for u in world.users},
    )


def test_mention_defaults_differ_for_messages_and_interactions() -> None:
    world = default_world()
    member, role = world.user("member"), world.guild().role("Watch Party")
    text = f"@here hello {role.mention} and {member.mention}"
    regular = _mentions(world, text, None)
    assert (regular.everyone, regular.roles, [u.id for u in regular.users]) == (
        True,
        [role.id],
        [member.id],
    )
    interaction = _mentions(world, text, None, default=DEFAULT_INTERACTION)
    assert (interaction.everyone, interaction.roles) == (False, [])
    assert [u.id for u in interaction.users] == [member.id]


def test_listed_ids_only_ping_when_present_in_the_text() -> None:
    world = default_world()
    member, admin = world.user("member"), world.user("admin")
    result = _mentions(world, f"{member.mention} hi", {"users": [str(member.id), str(admin.id)]})
    assert [u.id for u in result.users] == [member.id]
    everyone_and_users = _mentions(
        world, f"@everyone {admin.mention}", {"parse": ["everyone"], "users": [str(admin.id)]}
    )
    assert everyone_and_users.everyone and [u.id for u in everyone_and_users.users] == [admin.id]


def test_everyone_and_unmentionable_roles_need_mention_everyone() -> None:
    world = default_world()
    guild = world.guild()
    mods = guild.role("Moderators")  # not mentionable
    watch = guild.role("Watch Party")  # mentionable
    text = f"@everyone {mods.mention} {watch.mention}"
    without = _mentions(world, text, None, perms=int(Perm.SEND_MESSAGES | Perm.VIEW_CHANNEL))
    assert (without.everyone, without.roles) == (False, [watch.id])
    with_perm = _mentions(world, text, None)  # the default bot role has Mention Everyone
    assert (with_perm.everyone, with_perm.roles) == (True, [mods.id, watch.id])


def test_parse_is_exclusive_with_non_empty_lists_only() -> None:
    errors = FormErrors()
    validate_allowed_mentions({"parse": ["users", "roles"], "users": []}, errors, ("am",))
    assert not errors
    validate_allowed_mentions({"parse": ["roles"], "roles": ["1" * 18]}, errors, ("am",))
    validate_allowed_mentions({"parse": ["nobody"]}, errors, ("am",))
    assert errors.count == 2
    assert errors.tree["am"]["_errors"][0]["code"] == "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"


def test_permission_hierarchy() -> None:
    world = default_world()
    guild = world.guild()
    member, admin, owner = world.user("member"), world.user("admin"), world.user("owner")
    watch, mods = guild.role("Watch Party"), guild.role("Moderators")
    channel = guild.add_channel(
        "layered",
        overwrites=[
            Overwrite.role(guild.everyone, deny=Perm.SEND_MESSAGES),
            Overwrite.role(watch, allow=Perm.SEND_MESSAGES),
            Overwrite.member(member, deny=Perm.SEND_MESSAGES),
            Overwrite.role(watch, deny=Perm.ADD_REACTIONS),
        ],
    )
    # A role deny removes what the guild-level roles grant; others keep it.
    assert not guild.permissions_for(member, channel) & Perm.ADD_REACTIONS
    assert guild.permissions_for(admin, channel) & Perm.ADD_REACTIONS
    # Member overwrite beats the role allow, which beats the @everyone deny.
    assert not guild.permissions_for(member, channel) & Perm.SEND_MESSAGES
    assert not guild.permissions_for(admin, channel) & Perm.SEND_MESSAGES
    mods.permissions |= Perm.ADMINISTRATOR
    assert guild.permissions_for(admin, channel) & Perm.SEND_MESSAGES  # admin ignores overwrites
    assert guild.permissions_for(owner, channel) & Perm.MANAGE_GUILD  # owner has everything
    # Without View Channel every channel permission is implicitly gone.
    hidden = guild.permissions_for(member, guild.channel("mod-only"))
    assert not hidden & (Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.READ_MESSAGE_HISTORY)
    assert hidden & Perm.CHANGE_NICKNAME  # guild-level permissions are unaffected


def test_command_validation() -> None:
    errors = FormErrors()
    validate_commands(
        [
            {"name": "Bad Name", "description": "x"},
            {"name": "ok", "description": ""},
            {
                "name": "opts",
                "description": "d",
                "options": [
                    {"type": 3, "name": "a", "description": "d"},
                    {"type": 3, "name": "b", "description": "d", "required": True},
                    {
                        "type": 3,
                        "name": "c",
                        "description": "d",
                        "autocomplete": True,
                        "choices": [{"name": "x", "value": "x"}],
                    },
                ],
            },
        ],
        errors,
    )
    tree = errors.tree
    assert "name" in tree["0"] and "description" in tree["1"]
    assert "required" in tree["2"]["options"]["1"] and "autocomplete" in tree["2"]["options"]["2"]


def test_command_choices_have_their_option_type() -> None:
    def option(otype: int, *values: object) -> dict:
        choices = [{"name": f"c{i}", "value": v} for i, v in enumerate(values)]
        return {"type": otype, "name": f"o{otype}", "description": "d", "choices": choices}

    errors = FormErrors()
    options = [option(3, "a", 1), option(4, 1, "2", 2.5, 2**53), option(10, 1, 2.5, "3")]
    validate_commands([{"name": "pick", "description": "d", "options": options}], errors)
    tree = errors.tree["0"]["options"]
    bad = {
        (int(o), int(c))
        for o, option_errors in tree.items()
        for c, choice_errors in option_errors["choices"].items()
        if "value" in choice_errors
    }
    assert bad == {(0, 1), (1, 1), (1, 2), (1, 3), (2, 2)}


def test_modal_validation_and_component_ids() -> None:
    errors = FormErrors()
    validate_modal({"custom_id": "m", "title": "t" * 46, "components": []}, errors)
    assert set(errors.tree["data"]) == {"title", "components"}
    components = assign_component_ids(
        [{"type": 1, "components": [{"type": 2, "id": 2}, {"type": 2}]}, {"type": 1}]
    )
    assert [components[0]["id"], *(c["id"] for c in components[0]["components"])] == [1, 2, 3]
    assert components[1]["id"] == 4

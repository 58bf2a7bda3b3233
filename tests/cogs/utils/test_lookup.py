import pytest

from bot.errors import UserFacingError
from cogs.utils.lookup import name_choices, resolve_name, resolve_show, show_choices


async def test_the_only_show_is_the_default(db):
    assert (await resolve_show(db, None)).title == "Soul Mate"


async def test_with_two_shows_the_member_must_choose(two_show_db):
    with pytest.raises(UserFacingError, match="which one"):
        await resolve_show(two_show_db, None)
    assert (await resolve_show(two_show_db, "fictional")).title == "The Fictional Bakery"


async def test_unknown_show_lists_the_known_ones(db):
    with pytest.raises(UserFacingError) as raised:
        await resolve_show(db, "Goblin")
    assert str(raised.value) == "I don't know a show called **Goblin**. I know: *Soul Mate*."


async def test_no_shows_at_all(empty_db):
    with pytest.raises(UserFacingError, match="No shows are loaded yet"):
        await resolve_show(empty_db, None)


async def test_unknown_name_suggests_near_names(db):
    with pytest.raises(UserFacingError) as raised:
        await resolve_name(db, "Taecyoen")
    assert str(raised.value) == (
        "I couldn't find anyone called **Taecyoen**. Did you mean **Ok Taec-yeon**?"
    )


async def test_markdown_in_unknown_names_is_escaped(db):
    with pytest.raises(UserFacingError) as raised:
        await resolve_name(db, "**zz**")
    assert "\\*\\*zz\\*\\*" in str(raised.value)


async def test_name_choices_show_alias_and_primary_name(db):
    choices = await name_choices(db, "taecyeon")
    assert choices[0].name == "Taecyeon (Ok Taec-yeon)"
    assert choices[0].value == "Taecyeon"


async def test_choices_stay_within_discords_limits(db):
    for current in ["", "a", "x" * 300, "'; --", "옥"]:
        for choices in (await name_choices(db, current), await show_choices(db, current)):
            assert len(choices) <= 25
            for choice in choices:
                assert 1 <= len(choice.name) <= 100 and 1 <= len(choice.value) <= 100

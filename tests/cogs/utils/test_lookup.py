import pytest

from bot.content import seed_database
from bot.db.people import get_character
from bot.errors import UserFacingError
from bot.search import fold_name
from cogs.utils.lookup import (
    choice_value,
    name_choices,
    resolve_name,
    resolve_show,
    show_choices,
)
from tests.content import NAMESAKE_SHOW, write_namesake_show


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


def test_a_choice_value_is_the_text_unless_too_long():
    assert choice_value("Soul Mate", "show", 1) == "Soul Mate"
    assert choice_value("x" * 100, "show", 1) == "x" * 100
    long = choice_value("word " * 40, "show", 123)
    assert len(long) <= 100
    assert long.startswith("word word") and long.endswith("… #show-123")


async def test_a_picked_long_name_is_the_one_offered(empty_db):
    # Longer than data files allow (100 characters), written straight into the schema.
    # A person and a character whose names are alike for their first 150 characters.
    alike = "Invented Someone With a Name Longer Than Any Autocomplete Choice Can Hold, " * 2
    person, character = alike + "the Person", alike + "the Character"
    async with empty_db.transaction() as conn:
        await conn.execute(
            "INSERT INTO shows (id, slug, title, premise, search_text)"
            " VALUES (1, 's', 'Word Show', 'A test show.', '|wordshow|')"
        )
        await conn.execute("INSERT INTO people (id, slug, name) VALUES (1, 'p', ?)", (person,))
        await conn.execute(
            "INSERT INTO characters (id, show_id, slug, name, position) VALUES (1, 1, 'c', ?, 0)",
            (character,),
        )
        for column, name in [("person_id", person), ("character_id", character)]:
            await conn.execute(
                f"INSERT INTO names ({column}, name, kind, search_text)"
                " VALUES (1, ?, 'primary', ?)",
                (name, fold_name(name)),
            )
    choices = await name_choices(empty_db, "invented someone")
    assert len({choice.value for choice in choices}) == 2
    assert all(len(choice.value) <= 100 for choice in choices)
    resolved = {(await resolve_name(empty_db, choice.value)).name for choice in choices}
    assert resolved == {person, character}


async def test_text_that_only_looks_like_a_key_is_read_as_typed(db):
    with pytest.raises(UserFacingError, match="I don't know a show called"):
        await resolve_show(db, "Soul Mate #show-1")
    with pytest.raises(UserFacingError, match="I couldn't find anyone"):
        await resolve_name(db, "Ok Taec-yeon #person-1")


async def test_namesakes_are_told_apart_and_the_one_picked_is_found(db, tmp_path):
    await seed_database(db, [write_namesake_show(tmp_path)])
    johans = await name_choices(db, "johan")
    assert sorted(choice.name for choice in johans) == [
        "Johan Hwang · character in Soul Mate",
        f"Johan Hwang · character in {NAMESAKE_SHOW}",
    ]
    shows = set()
    for choice in johans:
        assert choice.value.startswith("Johan Hwang #character-")
        character = await resolve_name(db, choice.value)
        shows.add((await get_character(db, character.id)).show_title)
    assert shows == {"Soul Mate", NAMESAKE_SHOW}

    ryus = {choice.name: choice.value for choice in await name_choices(db, "narutaki")}
    assert set(ryus) == {"Ryu Narutaki · person", "Ryu Narutaki · character in Soul Mate"}
    assert (await resolve_name(db, ryus["Ryu Narutaki · person"])).kind == "person"
    assert (await resolve_name(db, ryus["Ryu Narutaki · character in Soul Mate"])).kind == (
        "character"
    )


async def test_a_name_no_other_choice_shares_is_sent_as_it_is(db, tmp_path):
    await seed_database(db, [write_namesake_show(tmp_path)])
    choices = await name_choices(db, "taec")
    assert choices[0].name == "Taecyeon (Ok Taec-yeon)" and choices[0].value == "Taecyeon"

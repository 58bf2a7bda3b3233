"""The embeds each cog builds, checked directly from the database (no Discord needed)."""

from bot.db import quotes as quotes_module
from bot.db.people import find_by_name, get_character, get_person
from bot.db.quotes import SpeakerRoles, find_quotes, search_quotes, speaker_roles
from bot.db.shows import list_shows, show_cast, show_credits
from bot.db.stats import content_counts
from cogs.about import CommandLists, about_card
from cogs.people import character_card, person_pages
from cogs.quotes import PER_PAGE, SEARCH_GONE, SearchPages, quote_card, said_by
from cogs.show import cast_pages, show_card
from tests.content import CROWD_WRITERS, insert_quotes, shown_and_hidden


def fields(embed) -> dict[str, str]:
    return {field.name: field.value for field in embed.fields}


async def test_show_card(db):
    show = (await list_shows(db))[0]
    embed = show_card(show, await show_cast(db, show.id), await show_credits(db, show.id))
    assert embed.title == "Soul Mate"
    assert embed.description.startswith("A 10-year-long love story between two young men")
    shown = fields(embed)
    assert shown["Platform"] == "Netflix · Live-action drama series"
    assert shown["Written by"] == "Shunki Hashizume"
    assert shown["Directed by"] == "Shunki Hashizume"
    assert shown["Executive producer"] == "Dai Ota"
    assert shown["Starring"] == (
        "**Hayato Isomura** (磯村勇斗) as **Ryu Narutaki**\n"
        "**Ok Taec-yeon** (옥택연) as **Johan Hwang**"
    )
    assert shown["Set in"] == "Berlin, Seoul, Tokyo"
    assert shown["Filmed in"] == "Japan, Korea, Germany"


async def test_cast_card(db):
    show = (await list_shows(db))[0]
    [embed] = cast_pages(show, await show_cast(db, show.id))
    assert embed.title == "Soul Mate: cast"
    assert embed.description.splitlines() == [
        "**Hayato Isomura** (磯村勇斗) as **Ryu Narutaki**",
        "**Ok Taec-yeon** (옥택연) as **Johan Hwang**",
    ]


async def test_person_card(db):
    person = await get_person(db, (await find_by_name(db, "옥택연")).id)
    [embed] = person_pages(person)
    shown = fields(embed)
    assert embed.title == "Ok Taec-yeon"
    assert shown["Native name"] == "옥택연"
    assert shown["Also known as"] == "Taecyeon, Taec-yeon, Ok Taecyeon"
    assert "2PM" in shown["Known for"]
    assert shown["Roles"] == "**Johan Hwang** in *Soul Mate*"
    assert shown["Quotes"].startswith("2 quotes")


async def test_character_card(db):
    character = await get_character(db, (await find_by_name(db, "Ryu Narutaki")).id)
    embed = character_card(character)
    assert embed.title == "Ryu Narutaki"
    assert fields(embed)["Played by"] == "Hayato Isomura"
    assert embed.footer.text == "Character"


async def test_quote_card_has_speaker_role_and_context(db):
    quotes, _ = await search_quotes(db, "ultimate destiny")
    embed = quote_card(quotes[0], await speaker_roles(db, quotes[0]))
    assert embed.description.startswith("“We arrived at the ultimate destiny story")
    assert fields(embed)["Said by"] == "Dai Ota, executive producer"
    assert fields(embed)["Context"] == "The executive producer, on the series at its announcement"


def test_said_by_names_each_role_once_in_a_sentence():
    two = SpeakerRoles(played_by=("Child Actor", "Ok Taec-yeon"))
    assert said_by("Johan Hwang", two) == "Johan Hwang, played by Child Actor and Ok Taec-yeon"
    roles = SpeakerRoles(credits=("writer", "director"), plays=("Ryu", "Johan"))
    assert said_by("Someone", roles) == "Someone, writer, director and plays Ryu and Johan"
    assert said_by("A *fan*", SpeakerRoles()) == "A \\*fan\\*"


def test_said_by_a_crowd_shows_whole_names_and_how_many_more():
    said = said_by("Crowd Character", SpeakerRoles(played_by=tuple(CROWD_WRITERS)))
    assert len(said) <= 1024
    names, hidden = shown_and_hidden(said.removeprefix("Crowd Character, played by "))
    assert names == CROWD_WRITERS[: len(names)]
    assert len(names) + hidden == len(CROWD_WRITERS)


async def test_search_card_bolds_the_match(db):
    pages = SearchPages(db, "soulmate", await find_quotes(db, "soulmate", read=PER_PAGE), None)
    assert len(pages) == 1
    embed = await pages.page(0)
    assert embed.description == (
        "“Everyone involved in this project is a **soulmate**.”\n— Shunki Hashizume, *Soul Mate*"
    )
    assert embed.footer.text == "1 match"


async def test_about_card_counts(db):
    embed = about_card(await content_counts(db), CommandLists(everyone=["who"], staff=[]))
    shown = fields(embed)
    assert shown["In the database"] == "1 show · 4 people · 2 characters · 9 quotes"
    assert shown["Commands"] == "`/who`"
    assert "For moderators and admins" not in shown  # a field with nothing in it is left out


def test_a_person_with_many_roles_gets_more_pages():
    from bot.db.people import Person, Role, ShowCredit

    person = Person(
        id=1, name="Busy Actor", native_name=None, aliases=(), known_for=(),
        roles=tuple(Role(f"Show {n}", f"Character {n}") for n in range(70)),
        credits=tuple(ShowCredit(f"Show {n}", "director") for n in range(5)),
        quote_count=0,
    )  # fmt: skip
    pages = person_pages(person)
    assert len(pages) == 2
    assert pages[1].title == "Busy Actor (continued)"
    shown = "\n".join(f.value for page in pages for f in page.fields if f.name.startswith("Roles"))
    assert shown.count("**Character") == 70
    assert any(f.name == "Credits" for page in pages for f in page.fields)
    assert all(len(page) <= 6000 for page in pages)


async def test_search_pages_after_the_first_are_read_and_built_when_first_shown(
    empty_db, monkeypatch
):
    monkeypatch.setattr(quotes_module, "CANDIDATES", 12)
    monkeypatch.setattr(quotes_module, "COUNT_CAP", 13)
    await insert_quotes(empty_db, [f"Line {n} about the sea" for n in range(15)])
    found = await find_quotes(empty_db, "sea", limit=12, read=PER_PAGE)
    assert len(found.quotes) == 5
    pages = SearchPages(empty_db, "sea", found, None)
    assert len(pages) == 3  # five quotes a page
    assert list(pages._built) == [0]
    last = await pages.page(2)
    assert list(pages._built) == [0, 2]
    assert last.description.count("**sea**") == 2
    assert last.description.startswith("“Line 10 about the **sea**”")
    assert (await pages.page(0)).description.startswith("“Line 0 about the **sea**”")
    assert await pages.page(2) is last  # built once
    assert last.footer.text == "The first 12 matches; there are more: type more to narrow it down"
    # A page whose quotes were all removed after the search says so.
    async with empty_db.transaction() as conn:
        await conn.execute("DELETE FROM quotes WHERE id BETWEEN 6 AND 10")
    assert (await pages.page(1)).description == SEARCH_GONE


def test_neutral_text_is_escaped_exactly_as_discord_py_escapes_it():
    import random

    import discord

    from cogs.quotes import neutral

    def escaped(text: str) -> str:
        return discord.utils.escape_mentions(discord.utils.escape_markdown(text))

    rng = random.Random(3)
    alphabet = "ab 1\n\t-_*~|`\\>#[]()<:/@!&.,'hts" + "é사랑"
    pieces = [
        "https://x.y/a_b", "<https://x_y>", "[a](b)", "@everyone", "@here", "<@123>",
        "@12345678901234567890", "> ", ">>> ", "### ", " - ", "\n-", "**", "`", "||",
    ]  # fmt: skip
    for _ in range(5000):
        text = "".join(
            rng.choice(pieces) if rng.random() < 0.2 else rng.choice(alphabet)
            for _ in range(rng.randint(0, 12))
        )
        assert neutral(text) == escaped(text), repr(text)
    assert neutral("I'm fine, Mi-yeong. 사랑해요!") == "I'm fine, Mi-yeong. 사랑해요!"

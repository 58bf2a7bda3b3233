import pytest

from bot.db.people import (
    SHARES_A_LONG_PIECE,
    SUGGESTION_CANDIDATES,
    find_by_name,
    get_character,
    get_person,
    nearest_names,
    search_names,
)
from bot.search import fold_name


@pytest.mark.parametrize(
    "name", ["Ok Taec-yeon", "Taecyeon", "taec-yeon", "Ok Taecyeon", "옥택연", "OK TAEC-YEON"]
)
async def test_every_name_of_taecyeon_finds_him(db, name):
    match = await find_by_name(db, name)
    assert (match.kind, match.name) == ("person", "Ok Taec-yeon")


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("택연", "Ok Taec-yeon"),
        ("磯村", "Hayato Isomura"),
        ("johan", "Johan Hwang"),
        ("narutaki", "Ryu Narutaki"),
    ],
)
async def test_fragments_in_any_script_find_the_entity(db, fragment, expected):
    assert (await search_names(db, fragment))[0].name == expected


async def test_characters_are_found_as_characters(db):
    match = await find_by_name(db, "Ryu Narutaki")
    assert match.kind == "character"


async def test_exact_names_rank_before_prefixes_and_substrings(two_show_db):
    # "kang" is an exact alias of Baker Kang; it is also a substring of nothing else.
    names = [m.name for m in await search_names(two_show_db, "Kang")]
    assert names[0] == "Baker Kang"
    # "ha": prefix of Hayato Isomura and Haneul, substring of others.
    names = [m.name for m in await search_names(two_show_db, "ha")]
    assert set(names[:2]) == {"Hayato Isomura", "Yoon Ha-neul"}
    assert "Johan Hwang" in names[2:]


async def test_each_entity_is_listed_once_and_at_most_the_limit(db):
    matches = await search_names(db, "")
    assert len(matches) == len({(m.kind, m.id) for m in matches}) == 6
    assert len(await search_names(db, "a", limit=2)) == 2


async def test_unknown_name_finds_nothing_but_suggests(db):
    assert await find_by_name(db, "Taecyoen") is None
    assert await nearest_names(db, "Taecyoen") == ["Ok Taec-yeon"]
    assert await nearest_names(db, "zzzzzz") == []


async def _add_people(db, names):
    async with db.transaction() as conn:
        for person_id, name in enumerate(names, 1):
            await conn.execute(
                "INSERT INTO people (id, slug, name) VALUES (?, ?, ?)",
                (person_id, f"p{person_id}", name),
            )
            await conn.execute(
                "INSERT INTO names (person_id, name, kind, search_text)"
                " VALUES (?, ?, 'primary', ?)",
                (person_id, name, fold_name(name)),
            )


# More names than "did you mean" reads by a shared piece share "ato" and "kato" with the typos
# below, and come first in the index.
CROWD = [f"Kato {number:04d}" for number in range(SUGGESTION_CANDIDATES + 100)]


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("옥태연", "Ok Taec-yeon"),  # a wrong syllable in the middle
        ("옥택현", "Ok Taec-yeon"),
        ("택연옥", "Ok Taec-yeon"),
        ("磯材勇斗", "Hayato Isomura"),  # a wrong kanji
    ],
)
async def test_a_hangul_or_kanji_typo_is_suggested(db, typo, meant):
    assert await nearest_names(db, typo) == [meant]


async def test_a_close_name_is_suggested_however_many_names_share_its_common_pieces(empty_db):
    await _add_people(empty_db, [*CROWD, "Hayato Isomura"])
    assert await nearest_names(empty_db, "Hayato Isomira") == ["Hayato Isomura"]
    # A typo of one of the many is found among them.
    assert (await nearest_names(empty_db, "Kato 0007x"))[0] == "Kato 0007"


def _slips(name: str) -> set[str]:
    """Each typo of `name`, in every place: a letter left out, typed twice, extra or wrong, and
    two neighbouring letters swapped."""
    typos = {name + "q"}
    for at, letter in enumerate(name):
        typos |= {
            name[:at] + name[at + 1 :],
            name[:at] + letter + name[at:],
            name[:at] + "q" + name[at:],
            name[:at] + ("x" if letter != "x" else "y") + name[at + 1 :],
            name[:at] + name[at + 1 : at + 2] + letter + name[at + 2 :],
        }
    return typos - {name}


async def test_a_name_one_slip_away_is_suggested_first_wherever_the_slip_is(empty_db):
    # The name meant comes after the crowd, which shares its start: only a search that finds
    # the names one slip away, whatever else shares their pieces, reaches it every time.
    await _add_people(empty_db, [*CROWD, "Kato Isomura"])
    missed = [
        typo
        for typo in sorted(_slips("katoisomura"))
        if (await nearest_names(empty_db, typo))[:1] != ["Kato Isomura"]
    ]
    assert missed == []


async def test_person_card_data(db):
    match = await find_by_name(db, "Taecyeon")
    person = await get_person(db, match.id)
    assert person.native_name == "옥택연"
    assert person.aliases == ("Taecyeon", "Taec-yeon", "Ok Taecyeon")
    assert "Member of the South Korean boy band 2PM" in person.known_for
    assert [(r.character_name, r.show_title) for r in person.roles] == [
        ("Johan Hwang", "Soul Mate")
    ]
    assert person.quote_count == 2


async def test_crew_credits(db):
    person = await get_person(db, (await find_by_name(db, "Shunki Hashizume")).id)
    assert [c.role for c in person.credits] == ["writer", "director"]
    assert person.roles == ()


async def test_character_card_data(db):
    character = await get_character(db, (await find_by_name(db, "Johan Hwang")).id)
    assert character.played_by == ("Ok Taec-yeon",)
    assert character.show_title == "Soul Mate"
    assert "boxer" in character.description


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("택", "Ok Taec-yeon"),  # inside the name
        ("연", "Ok Taec-yeon"),  # its last character
        ("勇", "Hayato Isomura"),
        ("ae", "Ok Taec-yeon"),  # Latin, inside a word
        ("i", "Ryu Narutaki"),  # Latin, the last letter
        ("un", "Ryu Narutaki"),  # across the space between the words: "ryunarutaki"
    ],
)
async def test_one_or_two_characters_find_names_containing_them(db, fragment, expected):
    assert expected in [match.name for match in await search_names(db, fragment)]


async def test_the_name_pieces_follow_a_changed_name(db):
    async with db.transaction() as conn:
        await conn.execute("UPDATE names SET search_text = 'zzqx' WHERE search_text = 'johanhwang'")
    assert "Johan Hwang" in [match.name for match in await search_names(db, "qx")]
    assert "Johan Hwang" not in [match.name for match in await search_names(db, "oh")]
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM names WHERE search_text = 'zzqx'")
    assert "Johan Hwang" not in [match.name for match in await search_names(db, "qx")]
    rows = await db.fetch_all("SELECT rowid FROM name_pieces WHERE name_pieces MATCH '\"qx\"'")
    assert rows == []


async def test_an_exact_name_is_found_however_many_names_contain_it(empty_db, monkeypatch):
    from bot.db import people as people_module

    monkeypatch.setattr(people_module, "CANDIDATES", 5)
    names = [f"Kim Soo-{n}" for n in range(20)] + [f"Ha Kim{n}" for n in range(20)] + ["Kim"]
    async with empty_db.transaction() as conn:
        for number, name in enumerate(names, 1):
            await conn.execute(
                "INSERT INTO people (id, slug, name) VALUES (?, ?, ?)", (number, f"p{number}", name)
            )
            await conn.execute(
                "INSERT INTO names (person_id, name, kind, search_text)"
                " VALUES (?, ?, 'primary', ?)",
                (number, name, fold_name(name)),
            )
    match = await find_by_name(empty_db, "KIM")
    assert match is not None and match.name == "Kim"
    found = [m.name for m in await search_names(empty_db, "kim", limit=10)]
    # The exact name, then names that start with it, before names that only contain it.
    assert found[0] == "Kim"
    assert all(name.startswith("Kim ") for name in found[1:])


async def test_a_persons_card_reads_indexes_not_whole_tables(db):
    """Every statement behind a person's card finds its rows through an index: a scan of a
    table grows with the content (a million quotes bring 24,000 portrayals)."""
    person = await find_by_name(db, "Ok Taec-yeon")
    statements: list[str] = []
    db._reader.set_trace_callback(statements.append)
    try:
        assert (await get_person(db, person.id)).name == "Ok Taec-yeon"
    finally:
        db._reader.set_trace_callback(None)
    assert len(statements) >= 3
    for sql in statements:
        plan = [row[3] for row in db._reader.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert not [step for step in plan if step.startswith("SCAN")], (sql, plan)


async def test_a_long_text_two_slips_from_a_name_finds_it_by_four_letter_pieces(empty_db):
    # Only the four-letter pieces are read for a text this long: each pair of swaps must leave
    # one of them whole.
    name = "abcdefghijklmnopqrstuvwxyz"[:SHARES_A_LONG_PIECE]
    await _add_people(empty_db, [name])

    def swapped(text: str, at: int) -> str:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]

    missed = [
        (first, second)
        for first in range(len(name) - 1)
        for second in range(first + 2, len(name) - 1)
        if await nearest_names(empty_db, swapped(swapped(name, first), second)) != [name]
    ]
    assert missed == []

from bot.db.shows import (
    find_show,
    list_shows,
    nearest_titles,
    search_show_titles,
    show_cast,
    show_credits,
)


async def test_find_show_by_title_or_slug_ignoring_case(two_show_db):
    assert (await find_show(two_show_db, "soul mate")).title == "Soul Mate"
    assert (await find_show(two_show_db, "soul-mate")).title == "Soul Mate"
    assert await find_show(two_show_db, "Soul") is None
    assert await find_show(two_show_db, "!!!") is None


async def test_search_titles_puts_prefixes_first(two_show_db):
    assert [s.title for s in await search_show_titles(two_show_db, "")] == [
        "Soul Mate",
        "The Fictional Bakery",
    ]
    assert [s.title for s in await search_show_titles(two_show_db, "the")] == [
        "The Fictional Bakery"
    ]
    found = await search_show_titles(two_show_db, "a")
    assert found[0].title == "Soul Mate"


async def test_cast_and_credits_in_file_order(db):
    show = (await list_shows(db))[0]
    cast = await show_cast(db, show.id)
    assert [(c.person_name, c.character_name) for c in cast] == [
        ("Hayato Isomura", "Ryu Narutaki"),
        ("Ok Taec-yeon", "Johan Hwang"),
    ]
    credits = await show_credits(db, show.id)
    assert [(c.person_name, c.role) for c in credits] == [
        ("Shunki Hashizume", "writer"),
        ("Shunki Hashizume", "director"),
        ("Dai Ota", "executive producer"),
    ]


async def test_nearest_titles_suggest_the_shows_a_typo_means(two_show_db):
    assert await nearest_titles(two_show_db, "Sole Mate") == ["Soul Mate"]
    assert await nearest_titles(two_show_db, "Fictional Bakry") == ["The Fictional Bakery"]
    assert await nearest_titles(two_show_db, "Goblin") == []
    assert await nearest_titles(two_show_db, "?!") == []

import random
from datetime import UTC, datetime

import pytest

from bot.content import seed_database
from bot.db.community import change_state, submit_quote
from bot.db.people import find_by_name
from bot.db.quotes import (
    COUNT_CAP,
    SpeakerRoles,
    find_quotes,
    random_quote,
    read_quotes,
    search_quotes,
    speaker_roles,
)
from bot.search import fold_text, pairs_query
from tests.content import insert_quotes

HASHIZUME_SOULMATE = "Everyone involved in this project is a soulmate."


def write_show(folder, title: str, quotes: tuple[str, ...]):
    """A data file for a test show holding these quotes."""
    path = folder / f"{title.lower()}.toml"
    path.write_text(
        f'[show]\ntitle = "{title}"\npremise = "A test show."\n'
        + "".join(
            f'[[quotes]]\ntext = "{text}"\nsource = "Test"\ncontext = "A test"\n' for text in quotes
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("query", ["soulmate", "Soulmate", "soul", "SOUL MATE"[:4]])
async def test_soulmate_finds_hashizumes_quote(db, query):
    quotes, total = await search_quotes(db, query)
    assert total == 1
    assert quotes[0].text == HASHIZUME_SOULMATE
    assert quotes[0].speaker_name == "Shunki Hashizume"


@pytest.mark.parametrize("query", ["I’ve continued", "I've continued", "ive continued"])
async def test_apostrophes_typographic_or_plain_both_match(db, query):
    quotes, total = await search_quotes(db, query)
    assert total == 1 and "boxing training" in quotes[0].text


@pytest.mark.parametrize(
    "query",
    [
        '"', "'", "-", "*", "NEAR(", "NEAR(soul mate)", "soul*", "-soul", "soul AND mate",
        '"; DROP TABLE quotes; --', "' OR 1=1 --", "quotes_fts MATCH", "%", "_", "\\",
        "(((", "^soul", "text:soul", "{soul}", "\x00",
    ],
)  # fmt: skip
async def test_hostile_queries_never_error_or_harm(db, query):
    await search_quotes(db, query)
    assert (await db.fetch_one("SELECT count(*) FROM quotes"))[0] == 9
    (check,) = await db.fetch_one("PRAGMA integrity_check")
    assert check == "ok"


async def test_hostile_query_with_words_searches_them_as_text(db):
    quotes, _ = await search_quotes(db, "soul*")
    assert quotes[0].text == HASHIZUME_SOULMATE


async def test_a_two_letter_fragment_is_found_inside_words(db):
    quotes, total = await search_quotes(db, "2p")
    assert total == 0
    quotes, total = await search_quotes(db, "bl")  # "blissful"
    assert any("blissful" in q.text for q in quotes)


async def test_random_quote_filters(two_show_db):
    rng = random.Random(1)
    person = await find_by_name(two_show_db, "Dai Ota")
    for _ in range(10):
        quote = await random_quote(two_show_db, person_id=person.id, rng=rng)
        assert quote.speaker_name == "Dai Ota"
    character = await find_by_name(two_show_db, "Baker Kang")
    quote = await random_quote(two_show_db, character_id=character.id, rng=rng)
    assert quote.text == "Bread rises when nobody is watching."
    ryu = await find_by_name(two_show_db, "Ryu Narutaki")
    assert await random_quote(two_show_db, character_id=ryu.id) is None


async def test_random_quote_covers_every_quote(db):
    rng = random.Random(7)
    seen = {(await random_quote(db, rng=rng)).id for _ in range(200)}
    assert len(seen) == 9


async def test_speaker_roles(two_show_db):
    quotes, _ = await search_quotes(two_show_db, "ultimate destiny")
    assert await speaker_roles(two_show_db, quotes[0]) == SpeakerRoles(
        credits=("executive producer",)
    )
    quotes, _ = await search_quotes(two_show_db, "script")
    assert await speaker_roles(two_show_db, quotes[0]) == SpeakerRoles(plays=("Johan Hwang",))
    quotes, _ = await search_quotes(two_show_db, "Bread rises")
    assert await speaker_roles(two_show_db, quotes[0]) == SpeakerRoles(played_by=("Yoon Ha-neul",))
    quotes, _ = await search_quotes(two_show_db, "10-year-long")
    assert await speaker_roles(two_show_db, quotes[0]) == SpeakerRoles()


async def test_whole_words_rank_before_prefixes_and_substrings(empty_db, tmp_path):
    show = write_show(
        tmp_path, "Spells", ("A dispelled myth.", "Spelling is hard.", "Cast a spell now.")
    )
    await seed_database(empty_db, [show])
    quotes, total = await search_quotes(empty_db, "spell")
    assert total == 3
    assert [q.text for q in quotes] == [
        "Cast a spell now.",
        "Spelling is hard.",
        "A dispelled myth.",
    ]


async def test_two_character_fragments_use_the_pieces_index(empty_db, tmp_path):
    show = write_show(tmp_path, "Hangul", ("옥택연 화이팅", "磯村勇斗さん"))
    await seed_database(empty_db, [show])
    for fragment, expected in (
        ("택연", "옥택연 화이팅"),
        ("勇斗", "磯村勇斗さん"),
        ("화이", "옥택연 화이팅"),
    ):
        quotes, total = await search_quotes(empty_db, fragment)
        assert (total, quotes[0].text) == (1, expected)
    assert (await search_quotes(empty_db, "연화"))[1] == 0  # the space is not skipped over
    indexed = await empty_db.fetch_all(
        "SELECT q.text FROM quote_pieces p JOIN quotes q ON q.id = p.rowid"
        " WHERE quote_pieces MATCH '\"택연\"'"
    )
    assert [row[0] for row in indexed] == ["옥택연 화이팅"]

    show.write_text(show.read_text(encoding="utf-8").replace("옥택연 화이팅", "옥택연 최고"))
    await seed_database(empty_db, [show])
    assert (await search_quotes(empty_db, "화이"))[1] == 0
    assert (await search_quotes(empty_db, "최고"))[1] == 1


async def test_one_character_in_any_position_uses_the_index(empty_db, tmp_path):
    show = write_show(
        tmp_path,
        "Hangul",
        ("橋を渡る", "古い橋", "橋 の上", "川と 橋。", "Bridge 橋!", "No bridge"),
    )
    await seed_database(empty_db, [show])
    quotes, total = await search_quotes(empty_db, "橋", limit=10)
    # First, in the middle, at the end, before a space, after one, beside Latin text.
    assert total == 5
    assert {q.text for q in quotes} == {"橋を渡る", "古い橋", "橋 の上", "川と 橋。", "Bridge 橋!"}
    assert [q.text for q in (await search_quotes(empty_db, "渡"))[0]] == ["橋を渡る"]
    # Removing a quote removes its pieces: the contentless index is told which they were.
    show.write_text(show.read_text(encoding="utf-8").replace("古い橋", "古い川"))
    await seed_database(empty_db, [show])
    assert "古い橋" not in [q.text for q in (await search_quotes(empty_db, "橋", limit=10))[0]]
    assert {q.text for q in (await search_quotes(empty_db, "川"))[0]} == {"古い川", "川と 橋。"}


async def test_one_or_two_latin_letters_use_the_pieces_index_too(empty_db, tmp_path):
    show = write_show(tmp_path, "Latin", ("Quiz night, OK?", "A fizzy drink.", "Nothing here."))
    await seed_database(empty_db, [show])
    for fragment, expected in (
        ("qu", ["Quiz night, OK?"]),
        ("zz", ["A fizzy drink."]),
        ("ok", ["Quiz night, OK?"]),
        ("k", ["Quiz night, OK?", "A fizzy drink."]),
    ):
        assert [q.text for q in (await search_quotes(empty_db, fragment))[0]] == expected
    assert (await search_quotes(empty_db, "tn"))[1] == 0  # "night" and "nothing" are words apart


async def approve_community_quote(db, text: str, guild_id: int = 7) -> None:
    """A member's quote, submitted and approved in server `guild_id`, with no show or context."""
    now = datetime(2026, 11, 25, tzinfo=UTC)
    quote = await submit_quote(
        db, guild_id=guild_id, show_id=None, text=text, speaker="A fan", context=None,
        submitter_id=1, now=now,
    )  # fmt: skip
    assert await change_state(
        db, quote, from_states=("pending",), to_state="approved", actor_id=2, now=now
    )


async def test_a_community_quote_is_found_by_one_character(db):
    await approve_community_quote(db, "また明日")
    for character in ("日", "明", "ま"):
        quotes, total = await search_quotes(db, character, guild_id=7)
        assert (total, [q.text for q in quotes]) == (1, ["また明日"])
    assert (await search_quotes(db, "日", guild_id=8))[1] == 0


async def test_other_servers_community_quotes_never_crowd_out_this_servers(db):
    for n in range(COUNT_CAP + 9):
        await approve_community_quote(db, f"Toast number {n}", guild_id=9)
    await approve_community_quote(db, "My own toast", guild_id=7)
    quotes, total = await search_quotes(db, "toast", guild_id=7)
    assert (total, [q.text for q in quotes]) == (1, ["My own toast"])


async def test_a_servers_community_quotes_rank_with_the_curated_ones(db):
    for text in ("Soulmates forever, said nobody", "My soulmate is toast"):
        await approve_community_quote(db, text)
    quotes, total = await search_quotes(db, "soulmate", guild_id=7)
    # Whole words first, the curated quote before the community one; then a word's start.
    assert [q.text for q in quotes] == [
        HASHIZUME_SOULMATE,
        "My soulmate is toast",
        "Soulmates forever, said nobody",
    ]
    assert total == 3
    curated, community = quotes[0], quotes[1]
    assert (curated.community, curated.show_title, curated.speaker_name) == (
        False,
        "Soul Mate",
        "Shunki Hashizume",
    )
    assert curated.person_id is not None and curated.context
    assert (community.community, community.show_title, community.show_id) == (True, "", None)
    assert (community.speaker_name, community.context, community.person_id) == ("A fan", "", None)
    assert [q.text for q in (await search_quotes(db, "soulmate", guild_id=8))[0]] == [
        HASHIZUME_SOULMATE
    ]


async def test_the_count_goes_past_the_ranked_matches_and_stops_at_the_cap(empty_db, monkeypatch):
    from bot.db import quotes as quotes_module

    monkeypatch.setattr(quotes_module, "CANDIDATES", 5)
    monkeypatch.setattr(quotes_module, "COUNT_CAP", 12)
    await insert_quotes(
        empty_db, [f"Line {n}: the sea" if n % 2 else f"Line {n}: seaside" for n in range(20)]
    )
    quotes, total = await search_quotes(empty_db, "sea", limit=3)
    assert total == 12  # 20 match; counting stops at the cap
    # Among the first five matches (ids 1 to 5), whole words come first.
    assert [q.text for q in quotes] == ["Line 1: the sea", "Line 3: the sea", "Line 0: seaside"]


async def test_a_search_reads_only_the_quotes_asked_for_and_the_rest_later(empty_db):
    await insert_quotes(empty_db, [f"Line {n}: the sea" for n in range(8)])
    found = await find_quotes(empty_db, "sea", limit=6, read=2)
    assert found.keys == [(n, False) for n in range(1, 7)]
    assert found.total == 8
    assert [q.text for q in found.quotes] == ["Line 0: the sea", "Line 1: the sea"]
    later = await read_quotes(empty_db, found.keys[4:])
    assert [(q.id, q.text, q.show_title) for q in later] == [
        (5, "Line 4: the sea", "Word Show"),
        (6, "Line 5: the sea", "Word Show"),
    ]
    # Read in the order asked for, whatever the ids' order.
    assert [q.id for q in await read_quotes(empty_db, [(3, False), (1, False)])] == [3, 1]


async def test_reading_found_quotes_later_leaves_out_those_removed_meanwhile(empty_db):
    await insert_quotes(empty_db, [f"Line {n}: the sea" for n in range(4)])
    await approve_community_quote(empty_db, "The sea again.", guild_id=8)
    found = await find_quotes(empty_db, "sea", limit=10, read=0, guild_id=8)
    assert (1, True) in found.keys and len(found.keys) == 5
    # Another server never sees this server's community quote, even by its key.
    assert await read_quotes(empty_db, [(1, True)], guild_id=9) == []
    assert await read_quotes(empty_db, [(1, True)]) == []
    async with empty_db.transaction() as conn:
        await conn.execute("DELETE FROM quotes WHERE id = 2")
        await conn.execute("UPDATE community_quotes SET state = 'removed' WHERE id = 1")
    later = await read_quotes(empty_db, found.keys, guild_id=8)
    assert [q.text for q in later] == ["Line 0: the sea", "Line 2: the sea", "Line 3: the sea"]


async def test_short_edge_words_find_the_same_quotes_as_reading_every_quote(empty_db):
    rng = random.Random(8)
    words = ["o", "a", "i", "to", "me", "he", "the", "then", "other", "top", "pot", "tea", "team"]
    made = (" ".join(rng.choice(words) for _ in range(rng.randint(2, 8))) for _ in range(400))
    texts = list(dict.fromkeys(made))
    await insert_quotes(empty_db, texts)
    # 'o the p'-like: a first word of one character, a last of one or two; two and three words.
    queries = [
        f"{first} {' '.join(inner)} {last}".replace("  ", " ")
        for first in ("o", "e", "he", "the", "ther")
        for inner in ((), ("the",), ("to",), ("me", "the"))
        for last in ("t", "p", "th", "te", "top")
    ]
    asked = {pairs_query(query) for query in queries} - {None}
    assert sum(table == "quote_pair_terms" for table, _ in asked) > 20
    for query in queries:
        quotes, total = await search_quotes(empty_db, query, limit=1000)
        containing = [row["id"] for row in await empty_db.fetch_all(
            "SELECT id FROM quotes WHERE instr(search_text, ?) > 0", (query,)
        )]  # fmt: skip
        assert total == min(len(containing), COUNT_CAP), query
        if total < COUNT_CAP:
            assert sorted(quote.id for quote in quotes) == containing, query


async def test_searches_of_several_words_find_exactly_the_quotes_that_contain_them(empty_db):
    rng = random.Random(6)
    # Short words, and words that end or start others, so the edges of a query matter.
    words = [
        "the",
        "then",
        "they",
        "a",
        "at",
        "cat",
        "scat",
        "my",
        "army",
        "you",
        "bayou",
        "she",
        "shed",
        "be",
        "bee",
        "of",
        "off",
        "i",
        "it",
        "sit",
    ]
    made = (" ".join(rng.choice(words) for _ in range(rng.randint(2, 9))) for _ in range(300))
    texts = list(dict.fromkeys(made))
    await insert_quotes(empty_db, texts)
    queries = set()
    for text in texts[:80]:
        start = rng.randrange(len(text) - 1)
        queries.add(text[start : start + rng.randint(3, 14)].strip())
        chosen = text.split(" ")
        queries.add(" ".join(chosen[:3]))
    queries = {query for query in queries if " " in query}
    assert len(queries) > 100
    assert sum(pairs_query(fold_text(query)) is not None for query in queries) > 80
    for query in sorted(queries):
        quotes, total = await search_quotes(empty_db, query, limit=1000)
        containing = {text for text in texts if fold_text(query) in fold_text(text)}
        if total < COUNT_CAP:
            assert {quote.text for quote in quotes} == containing, query
            assert total == len([text for text in texts if fold_text(query) in fold_text(text)])
        else:
            assert {quote.text for quote in quotes} <= containing, query

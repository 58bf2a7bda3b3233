import discord

from bot.formatting import (
    EMBED_TOTAL,
    bullet_lines,
    excerpt,
    fit_embed,
    joined_names,
    truncate,
)


def test_truncate_leaves_short_text_alone():
    assert truncate("Soul Mate", 100) == "Soul Mate"


def test_truncate_cuts_at_a_word_and_marks_the_cut():
    cut = truncate("one two three four five six seven", 20)
    assert len(cut) <= 20
    assert cut.endswith("…")
    assert cut == "one two three four…"


def test_bullet_lines_says_how_many_did_not_fit():
    lines = [f"line number {i}" for i in range(200)]
    text = bullet_lines(lines, limit=100)
    assert len(text) <= 100
    shown = text.count("line number")
    assert text.endswith(f"… and {200 - shown} more")


def test_bullet_lines_as_a_list_of_names_shows_only_whole_names():
    names = [f"Name {i} Lastname" for i in range(20)]
    text = bullet_lines(names, limit=100, separator=", ")
    assert len(text) <= 100
    *shown, more = text.split(", ")
    assert shown == names[: len(shown)]
    assert more == f"… and {20 - len(shown)} more"
    assert bullet_lines(names[:2], limit=100, separator=", ") == "Name 0 Lastname, Name 1 Lastname"


def test_excerpt_keeps_the_match_and_cuts_around_it():
    text = "a" * 500 + "MATCH" + "b" * 500
    before, match, after = excerpt(text, (500, 505), 100)
    assert match == "MATCH"
    assert before.startswith("…") and after.endswith("…")
    assert len(before) + len(match) + len(after) <= 110


def test_fit_embed_respects_every_limit():
    embed = discord.Embed(title="t" * 300, description="d" * 5000)
    for _ in range(30):
        embed.add_field(name="n" * 300, value="v" * 2000)
    embed.set_footer(text="f" * 3000)
    fit_embed(embed)
    assert len(embed.title) <= 256
    assert len(embed.description) <= 4096
    assert len(embed.fields) <= 25
    assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in embed.fields)
    assert len(embed.footer.text) <= 2048
    assert len(embed) <= EMBED_TOTAL


def test_joined_names_read_as_a_sentence_and_fit():
    assert joined_names([]) == ""
    assert joined_names(["Ok Taec-yeon"]) == "Ok Taec-yeon"
    assert joined_names(["A", "B"]) == "A and B"
    assert joined_names(["A", "B", "C"]) == "A, B and C"
    many = [f"Actor Number {n:02d}" for n in range(40)]
    joined = joined_names(many, 100)
    assert len(joined) <= 100 and joined.endswith(" more")
    *shown, more = joined.split(", ")
    assert shown == many[: len(shown)]
    assert more == f"… and {len(many) - len(shown)} more"

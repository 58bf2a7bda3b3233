from bot.search import fold_name, fold_text, fts_phrase, highlight_span, one_slip_spellings


def test_fold_name_joins_spellings_of_one_name():
    assert fold_name("Ok Taec-yeon") == fold_name("ok taecyeon") == "oktaecyeon"
    assert fold_name("TAEC-YEON") == "taecyeon"


def test_fold_name_keeps_hangul_and_kanji_but_drops_latin_accents():
    assert fold_name("옥택연") == "옥택연"
    assert fold_name("磯村 勇斗") == "磯村勇斗"
    assert fold_name("Café") == "cafe"


def test_fold_name_keeps_kana_voicing_marks():
    assert fold_name("ガ") != fold_name("カ")


def test_fold_text_makes_apostrophes_and_punctuation_equal():
    assert fold_text("I’ve continued") == fold_text("I've continued") == "ive continued"
    assert fold_text("life’s joys, and pains") == "lifes joys and pains"


def test_hostile_input_folds_to_plain_words():
    assert fold_text('"; DROP TABLE quotes; --') == "drop table quotes"
    assert fold_text("NEAR(a b) * -x") == "near a b x"
    assert fold_text("***") == ""


def test_ascii_text_folds_as_the_general_path_folds_it():
    every_ascii = "".join(map(chr, range(128)))
    texts = [every_ascii, every_ascii[::-1], "I've  Rock'n'roll -- 50%_OFF! `tis", "a\tb\nc"]
    for text in texts:
        # A trailing em dash is a separator, and makes the text take the general path.
        assert fold_text(text) == fold_text(text + " —"), text
    assert fold_text("I've  Rock'n'roll -- 50%_OFF!") == "ive rocknroll 50 off"


def test_fts_phrase_quotes_the_whole_query():
    assert fts_phrase("soul mate") == '"soul mate"'
    assert fts_phrase('a"b') == '"a""b"'


def test_highlight_span_finds_the_match_in_the_original_text():
    text = "To prepare, I’ve continued to train."
    start, end = highlight_span(text, "I've")
    assert text[start:end] == "I’ve"
    start, end = highlight_span(text, "ive")
    assert text[start:end] == "I’ve"
    start, end = highlight_span(text, "CONTINUED")
    assert text[start:end] == "continued"


def test_highlight_span_none_when_absent_or_empty():
    assert highlight_span("Soul Mate", "boxing") is None
    assert highlight_span("Soul Mate", "***") is None


def test_highlight_span_marks_accents_marks_and_wide_characters_in_the_original():
    text = "Ｓoul ＭＡＴＥ — Cafe\u0301 au lait, ﬁne, 사랑해요, か\u3099んばって"
    for query, shown in [
        ("soul mate", "Ｓoul ＭＡＴＥ"),
        ("cafe au", "Cafe\u0301 au"),
        ("fine", "ﬁne"),
        ("사랑", "사랑"),
        ("がん", "か\u3099ん"),
        ("mate cafe", "ＭＡＴＥ — Cafe\u0301"),
    ]:
        start, end = highlight_span(text, query)
        assert text[start:end] == shown, query


def test_the_highlight_folds_exactly_as_the_search_does():
    from bot.search import _folded_with_origins

    texts = [
        "To prepare, I’ve continued to train.",
        "  Ｓoul ＭＡＴＥ — Café! ß straße, İstanbul ﬁne ①  ",
        "磯村 勇斗 and 옥택연: “Johan?” ‘Yes’ — か\u3099んばって",
        "a\u0301\u0302b __ 50%_off ``",
    ]
    for text in texts:
        assert _folded_with_origins(text)[0] == fold_text(text), text


def test_pairs_query_asks_for_the_pairs_a_query_pins_down():
    from bot.search import pairs_query

    # Whole inner words; the first word may end a longer word, the last may start one.
    assert pairs_query("you she the") == ("quote_pairs", 'forward : ("you_she" + "she_the")')
    assert pairs_query("love you") == ("quote_pairs", 'forward : ("ove_you")')
    # A prefix goes to the table with a prefix index, with the query's other pairs.
    assert pairs_query("wrong the i") == ("quote_pair_terms", '"ong_the" AND "the_i"*')
    # A first word of one or two characters is asked backwards, as the end of some word.
    assert pairs_query("my the you") == ("quote_pair_terms", '"the_you" AND "the.ym"*')
    assert pairs_query("ne and") == ("quote_pair_terms", '"and.en"*')
    # Three words or more always: the inner word is whole.
    assert pairs_query("y the h") == ("quote_pair_terms", '"the_h"* AND "the.y"*')


def test_pairs_query_leaves_to_the_pieces_what_the_pairs_cannot_narrow():
    from bot.search import pairs_query

    for query in ("soul", "e of", "e you", "abcd de", "사랑 해요"):
        assert pairs_query(query) is None, query
    # Three characters of a word's end are all its pair keeps: the pair is the search itself.
    assert pairs_query("abc de") == ("quote_pair_terms", '"abc_de"*')


def _general_span(text: str, query: str) -> tuple[int, int] | None:
    """highlight_span by the walk over every character, which any text can take."""
    from bot.search import _folded_with_origins

    folded, starts, ends = _folded_with_origins(text)
    wanted = fold_text(query)
    at = folded.find(wanted) if wanted else -1
    return None if at < 0 else (starts[at], ends[at + len(wanted) - 1])


def test_plain_texts_highlight_as_the_walk_over_every_character_does():
    texts = [
        "'Tis the season, isn't it? `Rock'n'roll' -- 50% OFF!",
        "a'' b '' c",
        "I've, you've",
        "To prepare, I’ve continued to train_hard__now.",
        "「사랑해요」、磯村 勇斗です！ ‘Yes’？ ＂no＂",
    ]
    queries = ["tis the", "isnt it", "rocknroll", "50 off", "ab", "b c", "ive you", "ve",
               "train hard now", "사랑해요 磯村", "です yes", "yes", "no"]  # fmt: skip
    for text in texts:
        for query in queries:
            assert highlight_span(text, query) == _general_span(text, query), (text, query)


def test_plain_texts_fold_and_highlight_as_the_walk_does_for_any_mix_of_their_characters():
    import random

    from bot.search import _folded_with_origins

    rng = random.Random(7)
    alphabet = "aAbBzZ09 _-.,!?'`’‘ʼ…—“\u3000、。「」！，？사랑해が行こう磯村ーア"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        folded = fold_text(text)
        start = rng.randint(0, len(folded))
        # A piece of the text, or anything at all (found or not, it must be told alike).
        query = rng.choice(
            [folded[start : start + rng.randint(1, 6)], "".join(rng.sample(alphabet, 3))]
        )
        assert folded == _folded_with_origins(text)[0], text
        assert highlight_span(text, query) == _general_span(text, query), (text, query)


def test_every_plain_character_folds_in_place():
    """The characters the quick highlight takes as plain fold to themselves (lower-cased), to a
    space, or to nothing (apostrophes): so the folded text's letters and digits are the text's."""
    import sys

    from bot.search import _PLAIN, APOSTROPHES, _fold_unit, _folded_with_origins

    plain = [chr(code) for code in range(sys.maxunicode + 1) if _PLAIN.fullmatch(chr(code))]
    assert len(plain) > 30000  # ASCII, Hangul, kana and kanji
    for char in plain:
        if char in APOSTROPHES:
            assert not char.isalnum(), repr(char)  # not counted among the letters
            expected: tuple = ()
        elif char.isalnum():
            expected = (char.lower(),)
        else:  # a space, however many ("…" is three dots)
            expected = (None,) * len(_fold_unit(char))
        assert _fold_unit(char) == expected, repr(char)
        assert len(char.lower()) == 1, repr(char)
        assert fold_text(f"a{char}b") == _folded_with_origins(f"a{char}b")[0], repr(char)


def test_one_slip_spellings_are_every_slip_in_the_first_places():
    spellings = set(one_slip_spellings("kato", 2))
    assert {"akto", "ktao"} <= spellings  # swapped
    assert {"ato", "kto"} <= spellings  # an extra letter, left out of the name
    assert {"xkato", "kxato", "kkato"} <= spellings  # a letter the name has, left out
    assert {"gato", "kbto"} <= spellings  # a wrong letter
    # Nothing from the third place on, nothing more than one slip away, never the text itself.
    assert not {"kaot", "kat", "kagto", "kata", "kato", "akot"} & spellings


def test_one_slip_spellings_try_the_texts_own_letters_in_any_script():
    spellings = set(one_slip_spellings("옥택연", 3))
    assert {"택옥연", "옥연", "옥옥택연", "옥택택연", "옥연연"} <= spellings
    assert "옥탣연" not in spellings  # a syllable the text does not have

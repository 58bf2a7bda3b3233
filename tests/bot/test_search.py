from bot.search import contains_pattern, fold_name, fold_text, fts_phrase, highlight_span


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


def test_fts_phrase_quotes_the_whole_query():
    assert fts_phrase("soul mate") == '"soul mate"'
    assert fts_phrase('a"b') == '"a""b"'


def test_contains_pattern_escapes_like_wildcards():
    assert contains_pattern("50%_off") == "%50\\%\\_off%"


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

"""Text folding and matching shared by name lookup and quote search.

Search runs over a *folded* copy of each text: case-folded, Latin accents removed and punctuation
dropped, so "Taec-yeon", "TAECYEON" and "taecyeon" meet, and a typographic apostrophe matches a
plain one. Hangul, kana and kanji are kept as they are.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

# FTS5's trigram tokenizer needs at least three characters to use its index.
TRIGRAM_MIN = 3

_LATIN_END = 0x0370


# Sorts after any text that starts with a given text: `x <= text < x + PAST_ANY_CHARACTER` is
# "text starts with x", a range an index can serve.
PAST_ANY_CHARACTER = "\U0010ffff"


def _strip_latin_marks(text: str) -> str:
    if text.isascii():  # nothing to strip, and the common case
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    for char in decomposed:
        # Dakuten on kana are combining marks too, and they change the word: keep those.
        if unicodedata.combining(char) and kept and ord(kept[-1]) < _LATIN_END:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


# Removed rather than treated as a space, so "I’ve", "I've" and "Ive" are one word.
APOSTROPHES = "'’‘ʼ`´"
_DROP_APOSTROPHES = str.maketrans("", "", APOSTROPHES)


# Text that folds character by character, each in its place: ASCII, Hangul, kana and kanji, and
# the punctuation around them (typographic quotes, dashes, ellipses, CJK brackets and stops). A
# letter or digit folds to itself lower-cased, an apostrophe to nothing, anything else to a space:
# one translation does what the general path does character by character.
_PLAIN_PUNCTUATION = ((0x2010, 0x2027), (0x3000, 0x3002), (0x300C, 0x300F), (0xFF01, 0xFF01),
                      (0xFF0C, 0xFF0C), (0xFF1F, 0xFF1F))  # fmt: skip
_PLAIN_LETTERS = ((0x3041, 0x3096), (0x30A1, 0x30FA), (0x30FC, 0x30FC), (0x4E00, 0x9FFF),
                  (0xAC00, 0xD7A3))  # fmt: skip
_PLAIN = re.compile(
    "[\x00-\x7f"
    + "".join(f"{chr(first)}-{chr(last)}" for first, last in _PLAIN_PUNCTUATION + _PLAIN_LETTERS)
    + "]*"
)
_FOLD_PLAIN = str.maketrans(
    {
        char: None if char in APOSTROPHES else " "
        for char in itertools.chain(
            map(chr, range(128)),
            (chr(code) for first, last in _PLAIN_PUNCTUATION for code in range(first, last + 1)),
        )
        if not char.isalnum()
    }
)


def _is_plain(text: str) -> bool:
    return text.isascii() or _PLAIN.fullmatch(text) is not None


def _plain_words(text: str) -> list[str]:
    return text.lower().translate(_FOLD_PLAIN).split()


def _words(text: str) -> list[str]:
    if _is_plain(text):
        return _plain_words(text)
    folded = _strip_latin_marks(text).casefold().translate(_DROP_APOSTROPHES)
    return "".join(c if c.isalnum() else " " for c in folded).split()


def fold_name(text: str) -> str:
    """A name with case, accents, spaces and punctuation removed: 'Ok Taec-yeon' -> 'oktaecyeon'."""
    return "".join(_words(text))


def fold_text(text: str) -> str:
    """Running text reduced to lower-case words separated by single spaces."""
    return " ".join(_words(text))


def fts_phrase(folded_query: str) -> str:
    """An FTS5 MATCH argument that searches the folded query as one literal substring.

    Folded text holds only letters, digits and spaces, so no FTS syntax can reach SQLite; the
    quote-doubling is there so the function stays safe for any input.
    """
    return '"' + folded_query.replace('"', '""') + '"'


def pieces_query(folded_query: str) -> str:
    """The FTS5 MATCH argument for one or two characters in a pieces index (migration 0005):
    two characters are one piece, and one character starts every piece that holds it."""
    return fts_phrase(folded_query) + ("*" if len(folded_query) == 1 else "")


# The letters a slip may put in a name, besides the name's own: a typo of a romanised name.
SLIP_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_slip_spellings(folded: str, places: int) -> list[str]:
    """Every spelling one slip from a folded text, for a slip in its first `places` places: a
    letter left out, an extra letter, a wrong letter, or two neighbouring letters swapped.

    The letters tried are a–z and the text's own, so a slip inside a Hangul or kanji name is
    found when the letter it needs is in the text. A spelling may come twice.
    """
    letters = sorted(set(SLIP_LETTERS).union(folded))
    spellings: list[str] = []
    for at in range(min(places, len(folded) + 1)):
        head, rest = folded[:at], folded[at:]
        spellings += [head + letter + rest for letter in letters]  # left out
        if rest:
            spellings.append(head + rest[1:])  # extra
            spellings += [head + letter + rest[1:] for letter in letters if letter != rest[0]]
        if len(rest) > 1 and rest[0] != rest[1]:
            spellings.append(head + rest[1] + rest[0] + rest[2:])  # swapped
    return spellings


# How much of each word a pair keeps (migration 0006): "you she" is the pair you_she.
PAIR_CHARACTERS = 3


def pairs_query(folded_query: str) -> tuple[str, str] | None:
    """The word pairs index to ask (migrations 0006 and 0008) and its FTS5 MATCH argument, or
    None when the pairs would not narrow the search better than quotes_fts does.

    The query's inner words are whole; its first word may be the end of a longer one, and its
    last word the start of one. A pair is known in full when its outer word has at least
    PAIR_CHARACTERS; a short last word makes its pair a prefix ("the_i"*), and a short first
    word is asked backward ("she.ym"*: a word ending in "my", then "she"). A prefix can stand
    for thousands of pairs, so two words are searched this way only when their pair is known in
    full, or the first has two characters and the second three or more, or the first has three
    (the pair then says all the search does: "ust my" is "ust_my"*); three words or more
    always, since their inner words are whole. The pairs only narrow the search: the text decides.

    Pairs all known in full are a phrase in quote_pairs: in order, side by side. A prefix is
    asked of quote_pair_terms, whose prefix index reads it as one pair (quote_pairs merges every
    pair it stands for first), with the search's other pairs, in any order.
    """
    words = folded_query.split(" ")
    keep = PAIR_CHARACTERS
    if len(words) < 2:
        return None
    known, prefixes = [], []
    for index, (first, second) in enumerate(itertools.pairwise(words)):
        if index == 0 and len(first) < keep:
            continue  # the end of a word: its last three characters are not all known
        pair = fts_phrase(f"{first[-keep:]}_{second[:keep]}")
        if index == len(words) - 2 and len(second) < keep:
            prefixes.append(pair + "*")
        else:
            known.append(pair)
    if len(words[0]) < keep:
        prefixes.append(fts_phrase(f"{words[1][:keep]}.{words[0][::-1]}") + "*")
    # Two characters of a word's end, before a word of three characters or more; or three, all
    # the pair keeps of a word, before the start of a word: then the pair is the search itself.
    end_pinned = len(words[0]) == keep - 1 and len(words[1]) >= keep
    whole_tail = len(words[0]) == keep
    if len(words) == 2 and not known and not end_pinned and not whole_tail:
        return None
    if not prefixes:
        return "quote_pairs", f"forward : ({' + '.join(known)})"
    return "quote_pair_terms", " AND ".join(known + prefixes)


@functools.lru_cache(maxsize=8192)
def _fold_unit(unit: str) -> tuple[str | None, ...]:
    """One character, with any combining marks on it, as folding leaves it: its characters
    (most often one), with None for each that separates words and apostrophes dropped. Kept
    per character met, since quotes use few of them over and over."""
    folded: list[str | None] = []
    for char in _strip_latin_marks(unit).casefold():
        if char in APOSTROPHES:
            continue  # dropped, not a separator: "I've" is one word
        folded.append(char if char.isalnum() else None)
    return tuple(folded)


def _folded_with_origins(text: str) -> tuple[str, list[int], list[int]]:
    """`fold_text(text)`, with where each of its characters came from in `text`: the start
    and the end of the original character (with any combining marks on it)."""
    folded: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    separated = False
    index, size = 0, len(text)
    while index < size:
        end = index + 1
        while end < size and unicodedata.combining(text[end]):
            end += 1
        for char in _fold_unit(text[index:end]):
            if char is None:
                separated = True
                continue
            if separated and folded:
                folded.append(" ")
                starts.append(index)
                ends.append(index)
            separated = False
            folded.append(char)
            starts.append(index)
            ends.append(end)
        index = end
    return "".join(folded), starts, ends


def _plain_span(text: str, wanted: str) -> tuple[int, int] | None:
    """highlight_span for plain text: its folded text's letters and digits are its own, in order,
    so a place in the one is found in the other by counting."""
    folded = " ".join(_plain_words(text))
    at = folded.find(wanted)
    if at < 0:
        return None
    last = at + len(wanted) - 1
    kept = list(itertools.compress(itertools.count(), map(str.isalnum, text)))
    # Folded text is letters and digits with single spaces between words: each character's
    # place among the letters and digits is its place less the spaces before it.
    return kept[at - folded.count(" ", 0, at)], kept[last - folded.count(" ", 0, last)] + 1


def highlight_span(text: str, query: str) -> tuple[int, int] | None:
    """Where in the original `text` the folded `query` matched, as (start, end), if found:
    the same match as the database's, found in the folded text and mapped back."""
    wanted = fold_text(query)
    if not wanted:
        return None
    if _is_plain(text):
        return _plain_span(text, wanted)
    folded, starts, ends = _folded_with_origins(text)
    at = folded.find(wanted)
    if at < 0:
        return None
    return starts[at], ends[at + len(wanted) - 1]

"""Text folding and matching shared by name lookup and quote search.

Search runs over a *folded* copy of each text: case-folded, Latin accents removed and punctuation
dropped, so "Taec-yeon", "TAECYEON" and "taecyeon" meet, and a typographic apostrophe matches a
plain one. Hangul, kana and kanji are kept as they are.
"""

from __future__ import annotations

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


def _words(text: str) -> list[str]:
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


def _escape_like(folded_query: str) -> str:
    return folded_query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(folded_query: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') for a substring; for queries too short for trigrams."""
    return f"%{_escape_like(folded_query)}%"


def prefix_pattern(folded_query: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') for text starting with the query."""
    return f"{_escape_like(folded_query)}%"


def highlight_span(text: str, query: str) -> tuple[int, int] | None:
    """Where in the original `text` the folded `query` matched, as (start, end), if found."""
    words = _words(query)
    if not words:
        return None
    apostrophe = f"[{re.escape(APOSTROPHES)}]?"
    pattern = r"[\W_]+".join(apostrophe.join(re.escape(char) for char in word) for word in words)
    stripped = _strip_latin_marks(text)
    # Offsets are only valid in the original when stripping kept every character in place.
    haystack = stripped if len(stripped) == len(text) else text
    match = re.search(pattern, haystack, flags=re.IGNORECASE)
    if match is None:
        return None
    return match.start(), match.end()

"""What members type: realistic inputs for search and autocomplete, drawn from a database.

Each kind of input is a class (empty, one or two characters, Hangul, kanji, Latin prefixes and
substrings, no match, …), so the results show which kind is slow. The inputs come from the
generated content itself, with a fixed seed, so they match what is there.
"""

from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.search import TRIGRAM_MIN, fold_name, fts_phrase

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KANA_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
NO_MATCH = ("Qzxvq", "뷁뚫꿹", "鬱麤齉", "xylophonequartz")


@dataclass(frozen=True, slots=True)
class Inputs:
    """Per-class inputs for each kind of search, and the typical inputs of read commands."""

    names: dict[str, list[str]]  # /who name, /quote random person
    misspelled: dict[str, list[str]]  # /who name when nothing matches: "did you mean"
    titles: dict[str, list[str]]  # /show info title
    quotes: dict[str, list[str]]  # /quote search text
    show_titles: list[str]
    who_names: list[str]
    typical_searches: list[str]


def _sample(conn: sqlite3.Connection, table: str, columns: str, rng: random.Random, count: int):
    (top,) = conn.execute(f"SELECT max(id) FROM {table}").fetchone()
    ids = sorted({rng.randint(1, top) for _ in range(count * 2)})[: count * 2]
    marks = ",".join("?" * len(ids))
    return conn.execute(f"SELECT {columns} FROM {table} WHERE id IN ({marks})", ids).fetchall()


def _substring(rng: random.Random, text: str, low: int, high: int) -> str:
    size = min(len(text), rng.randint(low, high))
    start = rng.randint(0, len(text) - size)
    return text[start : start + size]


# Typos as members make them: two neighbouring letters swapped, a letter left out, a letter
# typed twice, and the key beside the one meant (on a QWERTY keyboard).
TYPOS = ("swapped", "left out", "typed twice", "key beside")
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_BESIDE = {key: row[max(0, at - 1) : at] + row[at + 1 : at + 2]
           for row in _KEY_ROWS for at, key in enumerate(row)}  # fmt: skip


def _misspelled(rng: random.Random, name: str, typo: str) -> str | None:
    """The name with one typo (one of TYPOS) on a small letter inside it, not its first or last."""
    places = [at for at in range(1, len(name) - 1) if name[at] in _BESIDE]
    if typo == "swapped":
        places = [at for at in places if name[at + 1] in _BESIDE and name[at] != name[at + 1]]
        places = [at for at in places if at + 1 < len(name) - 1]
    if not places:
        return None
    at = rng.choice(places)
    head, letter, rest = name[:at], name[at], name[at + 1 :]
    match typo:
        case "swapped":
            return head + rest[0] + letter + rest[1:]
        case "left out":
            return head + rest
        case "typed twice":
            return head + letter + letter + rest
        case _:
            return head + rng.choice(_BESIDE[letter]) + rest


def _found(conn: sqlite3.Connection, text: str) -> bool:
    """Whether some name contains the text, as /who finds it (its trigram index)."""
    folded = fold_name(text)
    if len(folded) < TRIGRAM_MIN:
        return True
    query = "SELECT 1 FROM names_fts WHERE names_fts MATCH ? LIMIT 1"
    return conn.execute(query, (fts_phrase(folded),)).fetchone() is not None


def _one_or_two(rng: random.Random, texts: list[str]) -> list[str]:
    return [_substring(rng, rng.choice(texts), 1, 2).strip() or "a" for _ in range(len(texts))]


# Inputs of each kind for searches: each search runs on a new one, as a first answer (the bot
# keeps its answers to /quote search). As many as each kind's runs (Effort.class_runs).
PER_KIND = 300
# Inputs of the read commands: few enough that most answers come from the bot's cache, as
# members ask about the same shows and people over and over.
READ_INPUTS = 40


def draw_inputs(path: Path, count: int = PER_KIND, seed: int = 44) -> Inputs:
    rng = random.Random(seed)
    with sqlite3.connect(path) as conn:
        names = [row[0] for row in _sample(conn, "names", "name", rng, count * 4)]
        shows = _sample(conn, "shows", "title, native_title", rng, count)
        texts = [row[0] for row in _sample(conn, "quotes", "text", rng, count * 8)]
        latin_names = [n for n in names if LATIN.search(n)]
        # Names misspelled so that nothing matches: /who answers "did you mean".
        typos = [_misspelled(rng, n, TYPOS[i % len(TYPOS)]) for i, n in enumerate(latin_names)]
        typos = [t for t in typos if t]
        typos = [t for t in typos if not _found(conn, t)][:count]
    hangul_names = [n for n in names if HANGUL.search(n)]
    japanese_names = [n for n in names if KANA_KANJI.search(n)]
    titles = [row[0] for row in shows]
    native_titles = [row[1] for row in shows if row[1]]
    english = [t for t in texts if LATIN.search(t) and not HANGUL.search(t)]
    korean = [t for t in texts if HANGUL.search(t)]
    japanese = [t for t in texts if KANA_KANJI.search(t)]

    def pick(pool: list[str], make) -> list[str]:
        return [make(rng.choice(pool)) for _ in range(count)] if pool else []

    def word(text: str, minimum: int = 1) -> str:
        words = [w for w in re.findall(r"\w+", text) if len(w) >= minimum]
        return rng.choice(words) if words else text[:4]

    def phrase(text: str) -> str:
        words = text.split()
        start = rng.randint(0, max(0, len(words) - 3))
        return " ".join(words[start : start + 3])

    name_classes = {
        "empty": [""],
        "1–2 characters": _one_or_two(rng, [n[:2] for n in names[:count]]),
        "Latin prefix": pick(latin_names, lambda n: n[: rng.randint(3, 6)]),
        "Latin substring": pick(latin_names, lambda n: _substring(rng, n, 3, 5)),
        "Hangul": pick(hangul_names, lambda n: _substring(rng, n, 2, 3)),
        "kanji / kana": pick(japanese_names, lambda n: _substring(rng, n.replace(" ", ""), 2, 4)),
        "no match": list(NO_MATCH),
    }
    title_classes = {
        "empty": [""],
        "1–2 characters": _one_or_two(rng, titles),
        "Latin prefix": pick(titles, lambda t: t[: rng.randint(3, 7)]),
        "Latin substring": pick(titles, lambda t: _substring(rng, t, 3, 6)),
        "Hangul": pick([t for t in native_titles if HANGUL.search(t)], lambda t: t.split()[0]),
        "kanji / kana": pick(
            [t for t in native_titles if KANA_KANJI.search(t)], lambda t: t[: rng.randint(2, 4)]
        ),
        "no match": list(NO_MATCH),
    }
    quote_classes = {
        "1–2 characters": _one_or_two(rng, [word(t) for t in texts[:count]]),
        "common word": ["the", "you", "and", "love", "사랑해", "会いたい"],
        "Latin word": pick(english, lambda t: word(t, 4)),
        "Latin substring": pick(english, lambda t: _substring(rng, t, 4, 7)),
        "phrase": pick(english, phrase),
        "Hangul": pick(korean, lambda t: word(t, 2)),
        "kanji / kana": pick(japanese, lambda t: _substring(rng, t, 2, 4)),
        "no match": list(NO_MATCH),
    }
    reads = min(count, READ_INPUTS)
    typical = (
        quote_classes["Latin word"][: reads // 2]
        + quote_classes["phrase"][: reads // 4]
        + quote_classes["Hangul"][: reads // 8]
        + quote_classes["kanji / kana"][: reads // 8]
    )
    rng.shuffle(typical)
    return Inputs(
        names=name_classes,
        misspelled={"no match": list(NO_MATCH), "misspelled name": typos},
        titles=title_classes,
        quotes=quote_classes,
        show_titles=titles[:reads],
        who_names=names[:reads],
        typical_searches=typical,
    )

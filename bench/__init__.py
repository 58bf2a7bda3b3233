"""Benchmarks of the real bot against the Discord emulator (`make bench`, not part of `make test`).

- `bench.content` makes synthetic shows, people, characters, aliases (Latin, Hangul, kanji/kana)
  and quotes from syllable and word tables: plausible, clearly synthetic, no real people.
- `bench.generate` writes them straight into a database in the real schema, cached by size and
  by schema and generator version under `bench/.cache/`.
- `bench.inputs` draws what members type from that content: empty, one or two characters,
  Latin prefixes and substrings, Hangul, kanji and kana, common words, no match.
- `bench.scenarios` runs `kdrama-bot run` and a minimal discord.py `/ping` bot
  (`bench.ping_bot`, the floor discord.py itself costs) against one emulator, and times each
  interaction from INTERACTION_CREATE to its callback, measurements interleaved (`bench.stats`).
- `bench.inprocess` times the bot's query functions directly, and explains slow ones.
- `bench.report` turns the results into `docs/benchmarks.md`.
"""

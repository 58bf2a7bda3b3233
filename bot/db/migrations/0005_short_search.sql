-- Searches of one character in Hangul, kana or kanji, and of one or two characters in a name of
-- any script, through an index instead of reading every row.

-- Quotes: each non-ASCII character that ends a word (before a space, or at the end) also gets
-- a piece of its own, the character and a space. Every occurrence of such a character then
-- starts some piece, so a one-character search is the range of pieces that start with it.
-- `index_bigrams` (bot/db/quotes.py) makes these pieces for new quotes.
INSERT OR IGNORE INTO quote_bigrams (gram, quote_id)
WITH RECURSIVE piece (id, text, at) AS (
    SELECT id, search_text || ' ', 1 FROM quotes WHERE search_text GLOB '*[^ -~]*'
    UNION ALL
    SELECT id, text, at + 1 FROM piece WHERE at < length(text) - 1
)
SELECT substr(text, at, 2), id FROM piece
WHERE substr(text, at + 1, 1) = ' ' AND unicode(substr(text, at, 1)) > 127;
INSERT OR IGNORE INTO community_bigrams (gram, quote_id)
WITH RECURSIVE piece (id, text, at) AS (
    SELECT id, search_text || ' ', 1 FROM community_quotes WHERE search_text GLOB '*[^ -~]*'
    UNION ALL
    SELECT id, text, at + 1 FROM piece WHERE at < length(text) - 1
)
SELECT substr(text, at, 2), id FROM piece
WHERE substr(text, at + 1, 1) = ' ' AND unicode(substr(text, at, 1)) > 127;

-- The numbers 1 to 1000, for triggers: they cannot use a recursive query to walk a text.
CREATE TABLE counting (n INTEGER PRIMARY KEY);
INSERT INTO counting (n)
WITH RECURSIVE up (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM up WHERE n < 1000)
SELECT n FROM up;

-- Names: every two-character piece of the folded name (names are short, so in every script),
-- and its last character with a space, kept by triggers.
CREATE TABLE name_bigrams (
    gram    TEXT NOT NULL,
    name_id INTEGER NOT NULL REFERENCES names (id) ON DELETE CASCADE,
    PRIMARY KEY (gram, name_id)
) WITHOUT ROWID;
CREATE INDEX name_bigrams_name ON name_bigrams (name_id);

CREATE TRIGGER name_bigrams_ai AFTER INSERT ON names BEGIN
    INSERT OR IGNORE INTO name_bigrams (gram, name_id)
    SELECT substr(new.search_text || ' ', n, 2), new.id FROM counting
    WHERE n <= length(new.search_text);
END;
CREATE TRIGGER name_bigrams_au AFTER UPDATE OF search_text ON names
    WHEN old.search_text IS NOT new.search_text BEGIN
    DELETE FROM name_bigrams WHERE name_id = new.id;
    INSERT OR IGNORE INTO name_bigrams (gram, name_id)
    SELECT substr(new.search_text || ' ', n, 2), new.id FROM counting
    WHERE n <= length(new.search_text);
END;

INSERT OR IGNORE INTO name_bigrams (gram, name_id)
SELECT substr(search_text || ' ', n, 2), id FROM names JOIN counting ON n <= length(search_text);

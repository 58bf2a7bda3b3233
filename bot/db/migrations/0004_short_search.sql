-- Every two-character piece of each quote's folded text that is not plain ASCII, so 2-character
-- searches in Hangul, kana and kanji (most words there) use an index; FTS5's trigrams need three.
-- Latin pairs are left out: they would double the database, and two Latin letters make a poor
-- search anyway (those still scan). The pieces are computed in SQL by
-- `index_bigrams` for rows whose `bigrams_done` is 0; triggers reset that flag when the text
-- changes (triggers themselves cannot run the recursive query).

CREATE TABLE quote_bigrams (
    gram     TEXT NOT NULL,
    quote_id INTEGER NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    PRIMARY KEY (gram, quote_id)
) WITHOUT ROWID;
CREATE INDEX quote_bigrams_quote ON quote_bigrams (quote_id);

CREATE TABLE community_bigrams (
    gram     TEXT NOT NULL,
    quote_id INTEGER NOT NULL REFERENCES community_quotes (id) ON DELETE CASCADE,
    PRIMARY KEY (gram, quote_id)
) WITHOUT ROWID;
CREATE INDEX community_bigrams_quote ON community_bigrams (quote_id);

ALTER TABLE quotes ADD COLUMN bigrams_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE community_quotes ADD COLUMN bigrams_done INTEGER NOT NULL DEFAULT 0;
CREATE INDEX quotes_bigrams_todo ON quotes (id) WHERE bigrams_done = 0;
CREATE INDEX community_bigrams_todo ON community_quotes (id) WHERE bigrams_done = 0;

CREATE TRIGGER quotes_bigrams_au AFTER UPDATE OF search_text ON quotes
    WHEN old.search_text IS NOT new.search_text BEGIN
    DELETE FROM quote_bigrams WHERE quote_id = new.id;
    UPDATE quotes SET bigrams_done = 0 WHERE id = new.id;
END;
CREATE TRIGGER community_bigrams_au AFTER UPDATE OF search_text ON community_quotes
    WHEN old.search_text IS NOT new.search_text BEGIN
    DELETE FROM community_bigrams WHERE quote_id = new.id;
    UPDATE community_quotes SET bigrams_done = 0 WHERE id = new.id;
END;

-- The quotes already here.
INSERT OR IGNORE INTO quote_bigrams (gram, quote_id)
WITH RECURSIVE piece (id, text, at) AS (
    SELECT id, search_text, 1 FROM quotes WHERE search_text GLOB '*[^ -~]*'
    UNION ALL
    SELECT id, text, at + 1 FROM piece WHERE at < length(text) - 1
)
SELECT substr(text, at, 2), id FROM piece WHERE instr(substr(text, at, 2), ' ') = 0
  AND (unicode(substr(text, at, 1)) > 127 OR unicode(substr(text, at + 1, 1)) > 127);
INSERT OR IGNORE INTO community_bigrams (gram, quote_id)
WITH RECURSIVE piece (id, text, at) AS (
    SELECT id, search_text, 1 FROM community_quotes WHERE search_text GLOB '*[^ -~]*'
    UNION ALL
    SELECT id, text, at + 1 FROM piece WHERE at < length(text) - 1
)
SELECT substr(text, at, 2), id FROM piece WHERE instr(substr(text, at, 2), ' ') = 0
  AND (unicode(substr(text, at, 1)) > 127 OR unicode(substr(text, at + 1, 1)) > 127);
UPDATE quotes SET bigrams_done = 1;
UPDATE community_quotes SET bigrams_done = 1;

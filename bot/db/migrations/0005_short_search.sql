-- Searches of one or two characters, in any script, through an index instead of reading every
-- row. This replaces the two-character tables of 0004, which covered only non-ASCII pairs and
-- took more room than the quotes' text itself.
--
-- A text's pieces: each two-character piece without a space, and each character that ends a
-- word (before a space, or at the end) on its own. Every occurrence of a character starts a
-- piece, so one character is a prefix query ("x"*) and two are one piece ("xy"). The pieces go
-- into FTS5 tables that keep only which rows hold each piece (contentless, detail=none): a few
-- bytes per text. Their tokenizer is 'ascii': spaces separate pieces; no character is changed
-- (the texts are folded already). A prefix index makes one-character queries one lookup.
-- Triggers keep them: a contentless table forgets a row only when told the pieces it had.

DROP TRIGGER quotes_bigrams_au;
DROP TRIGGER community_bigrams_au;
DROP INDEX quotes_bigrams_todo;
DROP INDEX community_bigrams_todo;
DROP TABLE quote_bigrams;
DROP TABLE community_bigrams;
ALTER TABLE quotes DROP COLUMN bigrams_done;
ALTER TABLE community_quotes DROP COLUMN bigrams_done;

-- The numbers 1 to 4000, to walk a text in a trigger (triggers cannot use a recursive query).
-- Quotes are at most 1,000 characters; folding can lengthen some ('ß' becomes 'ss').
CREATE TABLE counting (n INTEGER PRIMARY KEY);
INSERT INTO counting (n)
WITH RECURSIVE up (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM up WHERE n < 4000)
SELECT n FROM up;

CREATE VIRTUAL TABLE quote_pieces USING fts5 (
    pieces, content = '', detail = 'none', tokenize = 'ascii', prefix = '1'
);
CREATE TRIGGER quote_pieces_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quote_pieces (rowid, pieces) VALUES (new.id, (
        SELECT group_concat(rtrim(substr(new.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(new.search_text) AND substr(new.search_text, n, 1) <> ' '
    ));
END;
CREATE TRIGGER quote_pieces_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quote_pieces (quote_pieces, rowid, pieces) VALUES ('delete', old.id, (
        SELECT group_concat(rtrim(substr(old.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(old.search_text) AND substr(old.search_text, n, 1) <> ' '
    ));
END;
CREATE TRIGGER quote_pieces_au AFTER UPDATE OF search_text ON quotes
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO quote_pieces (quote_pieces, rowid, pieces) VALUES ('delete', old.id, (
        SELECT group_concat(rtrim(substr(old.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(old.search_text) AND substr(old.search_text, n, 1) <> ' '
    ));
    INSERT INTO quote_pieces (rowid, pieces) VALUES (new.id, (
        SELECT group_concat(rtrim(substr(new.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(new.search_text) AND substr(new.search_text, n, 1) <> ' '
    ));
END;
INSERT INTO quote_pieces (rowid, pieces) SELECT id, (
    SELECT group_concat(rtrim(substr(search_text || ' ', n, 2)), ' ') FROM counting
    WHERE n <= length(search_text) AND substr(search_text, n, 1) <> ' '
) FROM quotes;

CREATE VIRTUAL TABLE community_pieces USING fts5 (
    pieces, content = '', detail = 'none', tokenize = 'ascii', prefix = '1'
);
CREATE TRIGGER community_pieces_ai AFTER INSERT ON community_quotes BEGIN
    INSERT INTO community_pieces (rowid, pieces) VALUES (new.id, (
        SELECT group_concat(rtrim(substr(new.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(new.search_text) AND substr(new.search_text, n, 1) <> ' '
    ));
END;
CREATE TRIGGER community_pieces_ad AFTER DELETE ON community_quotes BEGIN
    INSERT INTO community_pieces (community_pieces, rowid, pieces) VALUES ('delete', old.id, (
        SELECT group_concat(rtrim(substr(old.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(old.search_text) AND substr(old.search_text, n, 1) <> ' '
    ));
END;
CREATE TRIGGER community_pieces_au AFTER UPDATE OF search_text ON community_quotes
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO community_pieces (community_pieces, rowid, pieces) VALUES ('delete', old.id, (
        SELECT group_concat(rtrim(substr(old.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(old.search_text) AND substr(old.search_text, n, 1) <> ' '
    ));
    INSERT INTO community_pieces (rowid, pieces) VALUES (new.id, (
        SELECT group_concat(rtrim(substr(new.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(new.search_text) AND substr(new.search_text, n, 1) <> ' '
    ));
END;
INSERT INTO community_pieces (rowid, pieces) SELECT id, (
    SELECT group_concat(rtrim(substr(search_text || ' ', n, 2)), ' ') FROM counting
    WHERE n <= length(search_text) AND substr(search_text, n, 1) <> ' '
) FROM community_quotes;

CREATE VIRTUAL TABLE name_pieces USING fts5 (
    pieces, content = '', detail = 'none', tokenize = 'ascii', prefix = '1'
);
CREATE TRIGGER name_pieces_ai AFTER INSERT ON names BEGIN
    INSERT INTO name_pieces (rowid, pieces) VALUES (new.id, (
        SELECT group_concat(rtrim(substr(new.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(new.search_text) AND substr(new.search_text, n, 1) <> ' '
    ));
END;
CREATE TRIGGER name_pieces_ad AFTER DELETE ON names BEGIN
    INSERT INTO name_pieces (name_pieces, rowid, pieces) VALUES ('delete', old.id, (
        SELECT group_concat(rtrim(substr(old.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(old.search_text) AND substr(old.search_text, n, 1) <> ' '
    ));
END;
CREATE TRIGGER name_pieces_au AFTER UPDATE OF search_text ON names
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO name_pieces (name_pieces, rowid, pieces) VALUES ('delete', old.id, (
        SELECT group_concat(rtrim(substr(old.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(old.search_text) AND substr(old.search_text, n, 1) <> ' '
    ));
    INSERT INTO name_pieces (rowid, pieces) VALUES (new.id, (
        SELECT group_concat(rtrim(substr(new.search_text || ' ', n, 2)), ' ') FROM counting
        WHERE n <= length(new.search_text) AND substr(new.search_text, n, 1) <> ' '
    ));
END;
INSERT INTO name_pieces (rowid, pieces) SELECT id, (
    SELECT group_concat(rtrim(substr(search_text || ' ', n, 2)), ' ') FROM counting
    WHERE n <= length(search_text) AND substr(search_text, n, 1) <> ' '
) FROM names;

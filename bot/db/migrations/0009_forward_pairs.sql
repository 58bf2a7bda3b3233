-- quote_pairs keeps its `forward` column only. Since 0008 a search asks quote_pairs for pairs
-- all known in full, as a phrase in `forward`; a short first word is asked of quote_pair_terms,
-- whose prefix index holds the backward pairs. `backward` was six tenths of quote_pairs (9 MB
-- at 100k quotes, 90 at a million), which start-up's quick_check reads, and nothing asked it.
-- A contentless table cannot drop a column: it is made again, and the quotes already there
-- indexed in one pass. (Its per-quote sizes stay: without them, columnsize = 0, the table
-- cannot be scanned, and `.dump` and Python's iterdump fail on the database.)
DROP TRIGGER quote_pairs_ai;
DROP TRIGGER quote_pairs_ad;
DROP TRIGGER quote_pairs_au;
DROP TABLE quote_pairs;
CREATE VIRTUAL TABLE quote_pairs USING fts5 (
    forward, content = '', tokenize = "ascii tokenchars '_'"
);
-- The pairs' SQL is 0006's, forward only (SQLite triggers cannot share it).
CREATE TRIGGER quote_pairs_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quote_pairs (rowid, forward)
    SELECT new.id, group_concat(tail || '_' || head, ' ')
    FROM (
        SELECT CASE WHEN substr(before, -2, 1) = ' ' THEN substr(before, -1)
                    WHEN substr(before, -3, 1) = ' ' THEN substr(before, -2)
                    ELSE before END AS tail,
               CASE WHEN instr(after, ' ') > 0 THEN substr(after, 1, instr(after, ' ') - 1)
                    ELSE after END AS head
        FROM (
            SELECT substr(new.search_text, max(n - 3, 1), n - max(n - 3, 1)) AS before,
                   substr(new.search_text, n + 1, 3) AS after
            FROM counting WHERE n <= length(new.search_text) AND substr(new.search_text, n, 1) = ' '
        )
    );
END;
CREATE TRIGGER quote_pairs_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quote_pairs (quote_pairs, rowid, forward)
    SELECT 'delete', old.id, group_concat(tail || '_' || head, ' ')
    FROM (
        SELECT CASE WHEN substr(before, -2, 1) = ' ' THEN substr(before, -1)
                    WHEN substr(before, -3, 1) = ' ' THEN substr(before, -2)
                    ELSE before END AS tail,
               CASE WHEN instr(after, ' ') > 0 THEN substr(after, 1, instr(after, ' ') - 1)
                    ELSE after END AS head
        FROM (
            SELECT substr(old.search_text, max(n - 3, 1), n - max(n - 3, 1)) AS before,
                   substr(old.search_text, n + 1, 3) AS after
            FROM counting WHERE n <= length(old.search_text) AND substr(old.search_text, n, 1) = ' '
        )
    );
END;
CREATE TRIGGER quote_pairs_au AFTER UPDATE OF search_text ON quotes
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO quote_pairs (quote_pairs, rowid, forward)
    SELECT 'delete', old.id, group_concat(tail || '_' || head, ' ')
    FROM (
        SELECT CASE WHEN substr(before, -2, 1) = ' ' THEN substr(before, -1)
                    WHEN substr(before, -3, 1) = ' ' THEN substr(before, -2)
                    ELSE before END AS tail,
               CASE WHEN instr(after, ' ') > 0 THEN substr(after, 1, instr(after, ' ') - 1)
                    ELSE after END AS head
        FROM (
            SELECT substr(old.search_text, max(n - 3, 1), n - max(n - 3, 1)) AS before,
                   substr(old.search_text, n + 1, 3) AS after
            FROM counting WHERE n <= length(old.search_text) AND substr(old.search_text, n, 1) = ' '
        )
    );
    INSERT INTO quote_pairs (rowid, forward)
    SELECT new.id, group_concat(tail || '_' || head, ' ')
    FROM (
        SELECT CASE WHEN substr(before, -2, 1) = ' ' THEN substr(before, -1)
                    WHEN substr(before, -3, 1) = ' ' THEN substr(before, -2)
                    ELSE before END AS tail,
               CASE WHEN instr(after, ' ') > 0 THEN substr(after, 1, instr(after, ' ') - 1)
                    ELSE after END AS head
        FROM (
            SELECT substr(new.search_text, max(n - 3, 1), n - max(n - 3, 1)) AS before,
                   substr(new.search_text, n + 1, 3) AS after
            FROM counting WHERE n <= length(new.search_text) AND substr(new.search_text, n, 1) = ' '
        )
    );
END;
-- The quotes already there, in one pass, then merged into one segment.
INSERT INTO quote_pairs (rowid, forward)
SELECT id, group_concat(tail || '_' || head, ' ')
FROM (
    SELECT id,
           CASE WHEN substr(before, -2, 1) = ' ' THEN substr(before, -1)
                WHEN substr(before, -3, 1) = ' ' THEN substr(before, -2)
                ELSE before END AS tail,
           CASE WHEN instr(after, ' ') > 0 THEN substr(after, 1, instr(after, ' ') - 1)
                ELSE after END AS head
    FROM (
        SELECT q.id, substr(q.search_text, max(c.n - 3, 1), c.n - max(c.n - 3, 1)) AS before,
               substr(q.search_text, c.n + 1, 3) AS after
        FROM quotes q JOIN counting c
          ON c.n <= length(q.search_text) AND substr(q.search_text, c.n, 1) = ' '
    )
)
GROUP BY id;
INSERT INTO quote_pairs (quote_pairs) VALUES ('optimize');

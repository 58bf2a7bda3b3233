-- The word pairs of 0006 again, without their positions, with a prefix index: for searches
-- whose pairs include a prefix ("the_o"*). quote_pairs has no prefix index, so FTS5 merged, in
-- full, the positions of every pair starting that way before giving a first quote: 9 to 28 ms
-- for "he the" or "better you i" at a million quotes. Here a prefix is one entry of the prefix
-- index, read only as far as needed, and FTS5 ANDs a search's pairs itself, quote by quote: the
-- pairs are all in a quote, in any order, and its text decides (bot/db/quotes.py). quote_pairs
-- stays for the searches whose pairs are all known in full: their order there narrows further.
--
-- One column holds each pair in both directions: joined by '_' forward (you_she) and by '.'
-- backward (she.uoy), so the two never meet, and neither character is ever in folded text.
-- With `detail = 'column'` and two columns instead, the table was twice the size; two tables,
-- one a direction, cannot be ANDed by FTS5, and SQLite joins them by rowid slowly. Prefixes
-- asked are three to six characters long ("i_y"* to "you_sh"*, "she.u"*). Which quotes hold
-- each pair is all it keeps (detail none): 187 MB at a million quotes, quote_pairs 148 MB.
-- The pairs' SQL is 0006's (with the second direction's '.'), written out in each trigger for
-- the same reason as there.
CREATE VIRTUAL TABLE quote_pair_terms USING fts5 (
    pairs, content = '', detail = 'none', prefix = '3 4 5 6', tokenize = "ascii tokenchars '_.'"
);
CREATE TRIGGER quote_pair_terms_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quote_pair_terms (rowid, pairs)
    SELECT new.id, group_concat(tail || '_' || head || ' ' || head || '.'
                                || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
CREATE TRIGGER quote_pair_terms_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quote_pair_terms (quote_pair_terms, rowid, pairs)
    SELECT 'delete', old.id, group_concat(tail || '_' || head || ' ' || head || '.'
                                || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
CREATE TRIGGER quote_pair_terms_au AFTER UPDATE OF search_text ON quotes
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO quote_pair_terms (quote_pair_terms, rowid, pairs)
    SELECT 'delete', old.id, group_concat(tail || '_' || head || ' ' || head || '.'
                                || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
    INSERT INTO quote_pair_terms (rowid, pairs)
    SELECT new.id, group_concat(tail || '_' || head || ' ' || head || '.'
                                || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
-- The quotes already there, in one pass, then merged into one segment: the pass leaves several.
INSERT INTO quote_pair_terms (rowid, pairs)
SELECT id, group_concat(tail || '_' || head || ' ' || head || '.'
                        || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
INSERT INTO quote_pair_terms (quote_pair_terms) VALUES ('optimize');

-- Searches for several words ("my the you") through pairs of neighbouring words, instead of
-- through the three-character pieces of quotes_fts, which the commonest words share with most
-- quotes: a phrase of them read a large part of that index to find a few quotes.
--
-- Each space in a quote's folded text joins two words, a and b, and gives one pair in each
-- column, at the same position:
--   forward:  the last three characters of a, '_', the first three of b    ("you she" -> you_she)
--   backward: the first three of b, '_', the last three of a backwards     ("you she" -> she_uoy)
-- A search "w1 w2 … wn" asks for its pairs as one phrase in `forward`: consecutive pairs, in
-- order. Its inner words are whole, and its outer words are the end of one word and the start
-- of another, so a pair is known exactly when w1 has three characters or more, and the last one
-- may be a prefix ("you_s"*). A shorter w1 is asked through `backward` ("she_ym"*: a word ending
-- in "my" before "she"). The pairs narrow the search to a few candidates; the quote's text then
-- decides (bot/db/quotes.py). '_' is never in folded text, which keeps only letters, digits
-- and single spaces.

-- The pairs' SQL is written out in each trigger: SQLite cannot share it through a view
-- without reading every quote. `counting` walks the text in order, so the pairs are in order.
CREATE VIRTUAL TABLE quote_pairs USING fts5 (
    forward, backward, content = '', tokenize = "ascii tokenchars '_'"
);
CREATE TRIGGER quote_pairs_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quote_pairs (rowid, forward, backward)
    SELECT new.id, group_concat(tail || '_' || head, ' '),
           group_concat(head || '_' || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
    INSERT INTO quote_pairs (quote_pairs, rowid, forward, backward)
    SELECT 'delete', old.id, group_concat(tail || '_' || head, ' '),
           group_concat(head || '_' || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
    INSERT INTO quote_pairs (quote_pairs, rowid, forward, backward)
    SELECT 'delete', old.id, group_concat(tail || '_' || head, ' '),
           group_concat(head || '_' || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
    INSERT INTO quote_pairs (rowid, forward, backward)
    SELECT new.id, group_concat(tail || '_' || head, ' '),
           group_concat(head || '_' || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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
-- The quotes already there, in one pass.
INSERT INTO quote_pairs (rowid, forward, backward)
SELECT id, group_concat(tail || '_' || head, ' '),
       group_concat(head || '_' || substr(tail, 3, 1) || substr(tail, 2, 1) || substr(tail, 1, 1), ' ')
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

-- Shows gain a native title and aliases; servers gain a featured show and their own quotes.

ALTER TABLE shows ADD COLUMN native_title TEXT;
ALTER TABLE shows ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';  -- JSON list

ALTER TABLE guild_settings ADD COLUMN featured_show_id INTEGER
    REFERENCES shows (id) ON DELETE SET NULL;

-- Quotes members submit in one server, shown only there once a moderator approves them.
CREATE TABLE community_quotes (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    show_id      INTEGER REFERENCES shows (id) ON DELETE SET NULL,
    text         TEXT NOT NULL,
    speaker      TEXT NOT NULL,
    context      TEXT,
    submitter_id INTEGER NOT NULL,
    state        TEXT NOT NULL
                 CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn', 'removed')),
    reviewer_id  INTEGER,
    search_text  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    reviewed_at  TEXT
);
CREATE INDEX community_quotes_guild ON community_quotes (guild_id, state, id);
-- One live copy of a text per server: a duplicate is refused, a rejected one may come back.
CREATE UNIQUE INDEX community_quotes_live ON community_quotes (guild_id, search_text)
    WHERE state IN ('pending', 'approved');

CREATE VIRTUAL TABLE community_quotes_fts USING fts5 (
    search_text, content = 'community_quotes', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER community_quotes_ai AFTER INSERT ON community_quotes BEGIN
    INSERT INTO community_quotes_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER community_quotes_ad AFTER DELETE ON community_quotes BEGIN
    INSERT INTO community_quotes_fts (community_quotes_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER community_quotes_au AFTER UPDATE OF search_text ON community_quotes
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO community_quotes_fts (community_quotes_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
    INSERT INTO community_quotes_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

-- For speed at hundreds of thousands of quotes: a random quote of one show, and name prefixes.
CREATE INDEX quotes_show ON quotes (show_id, id);
CREATE INDEX names_search ON names (search_text);

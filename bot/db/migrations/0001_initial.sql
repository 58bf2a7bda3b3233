-- Curated show content (seeded from data/shows/*.toml), announcements and bot metadata.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE shows (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    platform    TEXT,
    format      TEXT,
    premise     TEXT NOT NULL,
    synopsis    TEXT,
    origin      TEXT,
    settings    TEXT NOT NULL DEFAULT '[]',  -- JSON list of places the story is set in
    filmed_in   TEXT NOT NULL DEFAULT '[]',  -- JSON list
    notes       TEXT NOT NULL DEFAULT '[]',  -- JSON list
    search_text TEXT NOT NULL
);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    native_name TEXT,
    known_for   TEXT NOT NULL DEFAULT '[]'   -- JSON list
);

CREATE TABLE characters (
    id          INTEGER PRIMARY KEY,
    show_id     INTEGER NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    native_name TEXT,
    description TEXT,
    position    INTEGER NOT NULL,
    UNIQUE (show_id, slug)
);

-- Who plays whom.
CREATE TABLE portrayals (
    character_id INTEGER NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (character_id, person_id)
);

-- Off-screen roles: writer, director, executive producer, ...
CREATE TABLE credits (
    show_id   INTEGER NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (show_id, person_id, role)
);

-- Every name a person or character is known by (primary, native script, aliases).
CREATE TABLE names (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER REFERENCES people (id) ON DELETE CASCADE,
    character_id INTEGER REFERENCES characters (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('primary', 'native', 'alias')),
    search_text  TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (character_id IS NULL))
);
CREATE INDEX names_person ON names (person_id);
CREATE INDEX names_character ON names (character_id);

CREATE TABLE quotes (
    id           INTEGER PRIMARY KEY,
    show_id      INTEGER NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    person_id    INTEGER REFERENCES people (id) ON DELETE RESTRICT,
    character_id INTEGER REFERENCES characters (id) ON DELETE RESTRICT,
    speaker_name TEXT NOT NULL,  -- as displayed; also set for speakers who are not people (Netflix)
    context      TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    UNIQUE (show_id, text)
);
CREATE INDEX quotes_person ON quotes (person_id);
CREATE INDEX quotes_character ON quotes (character_id);

-- Trigram indexes find substrings in any script, without word boundaries.
CREATE VIRTUAL TABLE names_fts USING fts5 (
    search_text, content = 'names', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER names_ai AFTER INSERT ON names BEGIN
    INSERT INTO names_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER names_ad AFTER DELETE ON names BEGIN
    INSERT INTO names_fts (names_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER names_au AFTER UPDATE OF search_text ON names
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO names_fts (names_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO names_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    search_text, content = 'quotes', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER quotes_au AFTER UPDATE OF search_text ON quotes
    WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO quotes_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    author_id    INTEGER NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    ping_role_id INTEGER,
    color        INTEGER,
    image_url    TEXT,
    posted_at    TEXT NOT NULL  -- ISO 8601, UTC
);
CREATE INDEX announcements_guild ON announcements (guild_id, posted_at);

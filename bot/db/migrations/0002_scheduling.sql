-- Scheduled and recurring announcements, per-server settings, and the audit log.

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    timezone          TEXT NOT NULL DEFAULT 'UTC',
    announcer_role_id INTEGER,
    allow_everyone    INTEGER NOT NULL DEFAULT 0,
    auto_publish      INTEGER NOT NULL DEFAULT 0
);

-- The only roles /announce may ping in a server; none listed means any role.
CREATE TABLE guild_ping_roles (
    guild_id INTEGER NOT NULL,
    role_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, role_id)
);

-- An announcement is one post, or a series (repeat). Each message it posts is a row of
-- announcement_posts, whose nonce makes a retried send return the first message.
CREATE TABLE announcements_v2 (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    author_id    INTEGER NOT NULL,
    kind         TEXT NOT NULL DEFAULT 'announcement'
                 CHECK (kind IN ('announcement', 'quote_of_the_day')),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    ping_role_id INTEGER,
    color        INTEGER,
    image_url    TEXT,
    state        TEXT NOT NULL
                 CHECK (state IN ('scheduled', 'posting', 'posted', 'failed', 'missed',
                                  'cancelled', 'paused', 'deleted')),
    repeat       TEXT CHECK (repeat IN ('daily', 'weekly', 'monthly')),
    timezone     TEXT NOT NULL DEFAULT 'UTC',
    anchor_local TEXT,              -- first occurrence, wall-clock, ISO without offset
    occurrence   INTEGER NOT NULL DEFAULT 0,  -- which occurrence of a repeat is next
    due_at       TEXT,              -- UTC ISO: when the next occurrence is due
    attempt_at   TEXT,              -- UTC ISO: when to try it (later than due_at after errors)
    attempts     INTEGER NOT NULL DEFAULT 0,  -- temporary errors for this occurrence
    failures     INTEGER NOT NULL DEFAULT 0,  -- occurrences failed in a row
    last_error   TEXT,
    message_id   INTEGER,           -- the latest message posted
    posted_at    TEXT,
    created_at   TEXT NOT NULL
);

INSERT INTO announcements_v2 (id, guild_id, channel_id, author_id, title, body, ping_role_id,
                              color, image_url, state, message_id, posted_at, created_at)
SELECT id, guild_id, channel_id, author_id, title, body, ping_role_id, color, image_url,
       'posted', message_id, posted_at, posted_at
FROM announcements;

DROP TABLE announcements;
ALTER TABLE announcements_v2 RENAME TO announcements;
CREATE INDEX announcements_guild ON announcements (guild_id, id);
CREATE INDEX announcements_due ON announcements (attempt_at) WHERE state IN ('scheduled', 'posting');

CREATE TABLE announcement_posts (
    id              INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    due_at          TEXT NOT NULL,
    nonce           TEXT NOT NULL UNIQUE,
    channel_id      INTEGER NOT NULL,
    message_id      INTEGER,        -- NULL while the send is in flight
    claimed_at      TEXT NOT NULL,
    posted_at       TEXT,
    UNIQUE (announcement_id, due_at)
);

INSERT INTO announcement_posts (announcement_id, due_at, nonce, channel_id, message_id,
                                claimed_at, posted_at)
SELECT id, posted_at, 'legacy-' || id, channel_id, message_id, posted_at, posted_at
FROM announcements WHERE message_id IS NOT NULL;

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    announcement_id INTEGER,
    actor_id        INTEGER,        -- NULL when the bot itself acted (the scheduler)
    action          TEXT NOT NULL,
    detail          TEXT,
    at              TEXT NOT NULL
);
CREATE INDEX audit_log_guild ON audit_log (guild_id, id);

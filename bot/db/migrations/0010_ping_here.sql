-- An announcement may ping @here: the members online in its channel. The `ping` role option
-- cannot carry it (Discord's role picker offers @everyone, not @here), so it is a flag of its
-- own, beside the role; it pings only while /settings allow-everyone is on, as @everyone does.
ALTER TABLE announcements ADD COLUMN ping_here INTEGER NOT NULL DEFAULT 0;

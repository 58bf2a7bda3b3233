"""The announcements table's writes, where they race with the scheduler."""

from datetime import UTC, datetime, timedelta

from bot.db.announcements import (
    NewAnnouncement,
    claim,
    create_scheduled,
    get_announcement,
    move_to_zone,
    repeats_in_other_zones,
    set_state,
    update_content,
)

NOW = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


async def test_an_edit_is_refused_once_the_scheduler_took_the_announcement(empty_db):
    new = NewAnnouncement(guild_id=1, channel_id=2, author_id=3, title="Old", body="Old text")
    opened = await create_scheduled(empty_db, new, due_at=NOW + timedelta(minutes=1), now=NOW)
    # The edit read it as scheduled; the scheduler claims it before the edit is saved.
    assert await claim(empty_db, opened, NOW + timedelta(minutes=1)) is not None
    assert not await update_content(empty_db, opened, "New", "New text", actor_id=3, now=NOW)
    stored = await get_announcement(empty_db, 1, opened.id)
    assert (stored.state, stored.title, stored.body) == ("posting", "Old", "Old text")
    # While it stays as the edit read it, the edit is saved.
    again = await create_scheduled(empty_db, new, due_at=NOW + timedelta(hours=1), now=NOW)
    assert await update_content(empty_db, again, "New", "New text", actor_id=3, now=NOW)
    assert (await get_announcement(empty_db, 1, again.id)).title == "New"


async def test_moving_repeats_to_a_zone_skips_what_changed_since_they_were_listed(empty_db):
    new = NewAnnouncement(guild_id=1, channel_id=2, author_id=3, title="Daily", body="Text")
    due = NOW + timedelta(hours=8)
    anchor = due.replace(tzinfo=None)
    repeat = {"due_at": due, "now": NOW, "repeat": "daily", "anchor_local": anchor}
    scheduled = await create_scheduled(empty_db, new, **repeat)
    paused = await create_scheduled(empty_db, new, **repeat)
    await set_state(empty_db, paused, "paused", "paused", 3, NOW)
    posted_meanwhile = await create_scheduled(empty_db, new, **repeat)
    await create_scheduled(empty_db, new, due_at=due, now=NOW)  # a one-off: a moment, not moved
    listed = await repeats_in_other_zones(empty_db, 1, "Asia/Seoul")
    assert [a.id for a in listed] == [scheduled.id, paused.id, posted_meanwhile.id]
    assert await repeats_in_other_zones(empty_db, 2, "Asia/Seoul") == []  # another server's
    # The scheduler posted one occurrence after the list was read: that one is left alone.
    await empty_db.conn.execute(
        "UPDATE announcements SET occurrence = 1 WHERE id = ?", (posted_meanwhile.id,)
    )
    seoul = (0, NOW + timedelta(hours=23))
    assert await move_to_zone(empty_db, listed[0], "Asia/Seoul", seoul, actor_id=3, now=NOW)
    assert await move_to_zone(empty_db, listed[1], "Asia/Seoul", None, actor_id=3, now=NOW)
    assert not await move_to_zone(empty_db, listed[2], "Asia/Seoul", seoul, actor_id=3, now=NOW)
    stored = [await get_announcement(empty_db, 1, a.id) for a in listed]
    assert [(a.timezone, a.state, a.due_at) for a in stored] == [
        ("Asia/Seoul", "scheduled", NOW + timedelta(hours=23)),
        ("Asia/Seoul", "paused", due),
        ("UTC", "scheduled", due),
    ]
    assert await repeats_in_other_zones(empty_db, 1, "Asia/Seoul") == [stored[2]]

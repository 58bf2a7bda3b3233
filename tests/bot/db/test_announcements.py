"""The announcements table's writes, where they race with the scheduler."""

from datetime import UTC, datetime, timedelta

from bot.db.announcements import (
    NewAnnouncement,
    claim,
    create_scheduled,
    get_announcement,
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

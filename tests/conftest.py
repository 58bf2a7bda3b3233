"""Fixtures shared by the whole suite: databases seeded with the real data, or with two shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import seed_database
from bot.db import Database, open_database

ROOT = Path(__file__).resolve().parent.parent
SOUL_MATE = ROOT / "data" / "shows" / "soul-mate.toml"
FICTIONAL = ROOT / "tests" / "fixtures" / "shows" / "fictional-bakery.toml"


@pytest.fixture
async def empty_db(tmp_path: Path) -> Database:
    db = await open_database(tmp_path / "kdrama.db")
    yield db
    await db.close()


@pytest.fixture
async def db(empty_db: Database) -> Database:
    """The real content: Soul Mate only."""
    await seed_database(empty_db, [SOUL_MATE])
    return empty_db


@pytest.fixture
async def two_show_db(empty_db: Database) -> Database:
    await seed_database(empty_db, [SOUL_MATE, FICTIONAL])
    return empty_db

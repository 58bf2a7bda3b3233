"""The data layer: one long-lived aiosqlite connection and one module of queries per area."""

from bot.db.connection import Database, DatabaseError, open_database

__all__ = ["Database", "DatabaseError", "open_database"]

"""Curated show content: data files in `data/shows/`, validated, then seeded into the database."""

from bot.content.loader import DataError, DataFileError, ShowData, load_show_file, load_show_files
from bot.content.seed import SeedReport, seed_database

__all__ = [
    "DataError",
    "DataFileError",
    "SeedReport",
    "ShowData",
    "load_show_file",
    "load_show_files",
    "seed_database",
]

"""Helpers shared by several cogs."""

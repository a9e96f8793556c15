"""Portability use cases: export an instance to a folder, restore one, copy a live one to PostgreSQL."""

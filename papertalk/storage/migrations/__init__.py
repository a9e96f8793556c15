"""Alembic migrations for the papertalk schema."""

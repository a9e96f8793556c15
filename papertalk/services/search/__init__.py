"""Use cases of searching the catalogue."""

"""Use cases of ranking: trending papers for a window and an audience."""

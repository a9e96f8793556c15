"""The library: people's summaries, notes and their discussion; reading lists."""

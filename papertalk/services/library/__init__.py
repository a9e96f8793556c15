"""The library room: reading lists (list_*) and notes and summaries (notes_*, summary_*)."""

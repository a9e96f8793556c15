"""Storage of the library room: reading lists (list_*) and notes (notes_*, summary_*)."""

"""Storage of the paper catalogue: paper rows (with their search index) and OAI-PMH harvest state."""

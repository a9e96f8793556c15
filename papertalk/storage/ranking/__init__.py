"""Storage of the ranking: maintained rank tables, trending queries and filters, day counts."""

"""Storage of full-text search: the index DDL, PostgreSQL vectors, match expressions, queries."""

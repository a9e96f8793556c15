"""Pure domain code: records, arXiv ids, ranking. No network, database, environment or clock."""

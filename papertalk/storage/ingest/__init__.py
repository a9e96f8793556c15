"""Storage of the import path: batch loading, staging, merges, retractions, checkpoints."""

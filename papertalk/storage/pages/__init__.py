"""Storage read models for the web pages: set-based reads of commentaries and counts."""

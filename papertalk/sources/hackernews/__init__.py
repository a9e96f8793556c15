"""Hacker News through its Algolia search API: stories and comments that link arxiv.org."""

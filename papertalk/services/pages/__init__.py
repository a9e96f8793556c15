"""Use cases that build the web pages as plain values: trending, paper, posts."""

"""Discover: term statistics, similar-paper candidates, papers discussed by the same accounts."""

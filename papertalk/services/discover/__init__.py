"""Discover: similar papers, papers discussed by the same people, and For you."""

"""Sentence-embedding models papers get semantic vectors from, each behind ``embedder.Embedder``."""

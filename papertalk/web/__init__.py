"""FastAPI app, HTML pages, JSON API, feeds."""

"""Use cases of capture: sources and their runs, fetchers, following accounts, networks, short links."""

"""Storage of capture: sources and their runs, the short-link cache, accounts and networks."""

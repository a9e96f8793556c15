"""People's networks as use cases: following accounts, importing follow graphs, blocking, shared networks
with members and editors, and who may see or change each. Every write checks its actor here."""

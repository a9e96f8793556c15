"""Use cases of the paper catalogue: snapshot import, OAI-PMH harvest, enrichment from the API."""

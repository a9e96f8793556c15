"""arXiv metadata: API client, OAI-PMH harvester, snapshot import, Atom parsing."""

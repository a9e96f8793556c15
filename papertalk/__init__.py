"""papertalk: the arXiv papers your network is talking about."""

"""RSS and Atom feeds of blogs and newsletters, read with feedparser; the feed is the author."""

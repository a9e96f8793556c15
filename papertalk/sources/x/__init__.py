"""X (Twitter): data archives (tweets.js, note-tweet.js, following.js), API v1.1 tweets and API v2 pages,
read into neutral posts; a live API v2 fetcher for accounts with a bearer token."""

"""Mastodon: statuses of accounts and hashtag timelines (REST API v1), read into neutral posts; account
lookup and following lists as an account directory. The instance comes from the handle."""

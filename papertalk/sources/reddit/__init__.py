"""Reddit: subreddit ``new`` listings and site-wide search, with app-only OAuth."""

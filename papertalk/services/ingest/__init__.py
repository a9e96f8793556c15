"""Use cases of importing posts: neutral JSON lines, X archives and API files, in resumable batches."""

"""Long-running jobs: the worker that runs the capture schedule, live listeners and enrichment."""

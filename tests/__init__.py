"""papertalk tests."""

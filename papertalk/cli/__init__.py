"""The papertalk command line (Typer + Rich)."""

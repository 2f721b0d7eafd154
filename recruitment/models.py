"""Models of the recruitment app (filled by later issues)."""

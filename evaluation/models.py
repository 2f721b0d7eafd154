"""Models of the evaluation app (filled by later issues)."""

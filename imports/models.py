"""Spreadsheet imports (issue 7)."""

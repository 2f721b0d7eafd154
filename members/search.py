"""Accent-insensitive search keys for Vietnamese names.

The key is stored in a column (``Person.search_name``) so that the same lookup works on
PostgreSQL and SQLite without database extensions such as ``unaccent``.
"""

import unicodedata


def normalize_search(text: str) -> str:
    """Return ``text`` lower-cased, without diacritics, with single spaces.

    "Nguyễn Văn Đức" -> "nguyen van duc". The letter đ is not a combining mark,
    so it is mapped by hand.
    """
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())

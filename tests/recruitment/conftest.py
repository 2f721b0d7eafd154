"""Fixtures of the recruitment tests; the tree and personas come from tests/conftest.py.

C1 and C2 are cells under the grassroots committee G1 (a committee approval is needed);
G2 is a grassroots cell (the resolution goes straight to the decision).
"""

import pytest

from tests.recruitment.factories import CandidacyFactory


@pytest.fixture
def candidacy(tree):
    """A sourced candidacy in C1, a 27-year-old."""
    return CandidacyFactory(cell=tree.c1)


@pytest.fixture
def school_candidacy(tree):
    """A sourced candidacy in the grassroots cell G2."""
    return CandidacyFactory(cell=tree.g2)

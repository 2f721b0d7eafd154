"""The kinds of import: members, candidacies and ratings, each a ``Spec``."""

from .candidacies import CandidaciesSpec
from .members import MembersSpec
from .ratings import RatingsSpec

SPECS = {spec.kind: spec for spec in (MembersSpec(), CandidaciesSpec(), RatingsSpec())}


def spec_for(kind: str):
    return SPECS[kind]

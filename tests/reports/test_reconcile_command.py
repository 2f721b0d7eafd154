"""``manage.py reconcile``: summary, every mismatch, and a failing exit status."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from members.models import MemberPlacement


@pytest.fixture(autouse=True)
def _english():
    # The assertions read the English messages; the catalog's wording may change.
    with translation.override("en"):
        yield


def reconcile(*args):
    out = StringIO()
    call_command("reconcile", *args, stdout=out)
    return out.getvalue()


def test_reconcile_reports_no_mismatch_for_the_whole_tree(tree, history):
    years = timezone.localdate().year - 2019 + 1

    output = reconcile()

    assert (
        f"Checked 9 organizations over 2019-{2018 + years}: {9 * years} balances, 0 mismatches."
        in output
    )
    assert "Every balance holds." in output


def test_reconcile_one_subtree_and_year(tree, history):
    output = reconcile("--org", "D1", "--year", "2021")

    assert "Checked 5 organizations over 2021-2021: 5 balances, 0 mismatches." in output


def test_reconcile_lists_every_mismatch_and_fails(tree, history):
    MemberPlacement.objects.filter(member=history.f).update(start_on=datetime.date(2022, 2, 1))
    out = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("reconcile", "--org", "G1", stdout=out)

    assert exc.value.returncode == 1
    assert str(exc.value) == "4 reconciliation mismatches."
    lines = out.getvalue().splitlines()
    assert "4 mismatches" in lines[0]
    assert (
        "C1 Chi bộ thôn Phấn Kiến 2021: 3 + 1 + 1 - 2 - 1 - 0 = 2, but 1 at the end (difference -1)"
        in lines
    )


def test_reconcile_unknown_organization_fails(db):
    with pytest.raises(CommandError):
        reconcile("--org", "NOPE")

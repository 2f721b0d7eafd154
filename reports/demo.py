"""Demo data of the reports app: congress terms XVI and XVII, their targets, and quotas.

``seed_demo`` calls ``seed_targets`` after the tree and the members are written. Rows are
inserted with ``bulk_create`` (no simple-history rows, like the rest of the seed).
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q

from members.choices import GRASSROOTS_KINDS, OrganizationKind
from members.demo.constants import ARTICLE_DATE, DEFAULT_MEMBERS, TERM_XVI, TERM_XVII
from members.models import MemberPlacement, Organization

from .metrics import _PathSums
from .models import AdmissionQuota, Comparator, CongressTerm, Metric, TermTarget

# The congress targets of the article (term XVI) and of the next congress (term XVII).
TARGETS = {
    TERM_XVI: (
        (Metric.ADMISSIONS_PER_YEAR, Comparator.GTE, 2300),
        (Metric.MEMBER_RATING_RATE, Comparator.GT, 85),
        (Metric.ORGANIZATION_RATING_RATE, Comparator.GTE, 95),
    ),
    TERM_XVII: (
        (Metric.ADMISSIONS_PER_YEAR, Comparator.GTE, 2000),
        (Metric.MEMBER_RATING_RATE, Comparator.GT, 85),
        (Metric.ORGANIZATION_RATING_RATE, Comparator.GT, 90),
    ),
}
# The province's yearly quota in term XVII at the default size (70,000 members): a little
# above the congress target, so that the committees have room to fall short.
PROVINCE_QUOTA = 2_100


def _apportion(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders): the parts add up."""
    weight_sum = sum(weights.values())
    if not weights or not weight_sum:
        return dict.fromkeys(weights, 0)
    exact = {k: total * w / weight_sum for k, w in weights.items()}
    parts = {k: int(v) for k, v in exact.items()}
    left = total - sum(parts.values())
    for k in sorted(exact, key=lambda k: (parts[k] - exact[k], k))[:left]:
        parts[k] += 1
    return parts


def _members_per_path(province: Organization, dates: list[datetime.date]) -> list[_PathSums]:
    """Members on each date, per cell path, summable over any subtree (one query)."""
    rows = (
        MemberPlacement.objects.filter(cell__path__startswith=province.path)
        .values("cell__path")
        .annotate(
            **{
                f"on_{i}": Count(
                    "pk",
                    filter=Q(start_on__lte=d) & (Q(end_on__isnull=True) | Q(end_on__gt=d)),
                )
                for i, d in enumerate(dates)
            }
        )
        .order_by()
    )
    vectors = {r["cell__path"]: [r[f"on_{i}"] for i in range(len(dates))] for r in rows}
    return _PathSums(vectors, len(dates))


def _active_on(org: Organization, date: datetime.date) -> bool:
    return org.established_on <= date and (org.closed_on is None or org.closed_on > date)


def seed_targets(province: Organization, *, today: datetime.date) -> dict[str, int]:
    """Terms XVI (2016-2020) and XVII (2021-2025) of ``province`` with their targets, and
    admission quotas for every year of term XVII up to ``today``'s year.

    Targets: XVI admissions per year >= 2,300, members rated good or better > 85%,
    grassroots organizations rated good or better >= 95%; XVII >= 2,000, > 85%, > 90%.
    Quotas: the province gets ``PROVINCE_QUOTA`` a year (scaled by its members on the
    article's date against the default demo size, as ``seed_demo --members`` scales);
    each upper committee active on 1 January gets a share in proportion to its members
    on that date, and each of its active grassroots organizations a share of the
    committee's quota in proportion to theirs, so that children's quotas add up to their
    parent's. Returns the number of rows written per
    table. Call it once, on a province without terms.
    """
    terms = CongressTerm.objects.bulk_create(
        [
            CongressTerm(organization=province, name=name, first_year=first, last_year=last)
            for name, first, last in TARGETS
        ]
    )
    targets = TermTarget.objects.bulk_create(
        [
            TermTarget(term=term, metric=metric, comparator=comparator, value=Decimal(value))
            for term, spec in zip(terms, TARGETS, strict=True)
            for metric, comparator, value in TARGETS[spec]
        ]
    )

    _name, first, _last = TERM_XVII
    years = list(range(first, today.year + 1))
    dates = [datetime.date(y, 1, 1) for y in years]
    members = _members_per_path(province, [*dates, ARTICLE_DATE])
    province_quota = round(PROVINCE_QUOTA * members.subtree(province.path)[-1] / DEFAULT_MEMBERS)
    orgs = list(
        Organization.objects.filter(
            path__startswith=province.path,
            kind__in=[OrganizationKind.UPPER, *sorted(GRASSROOTS_KINDS)],
        ).order_by("path")
    )
    step = Organization.steplen
    quotas = []
    for i, (year, date) in enumerate(zip(years, dates, strict=True)):
        quotas.append(AdmissionQuota(organization=province, year=year, number=province_quota))
        active = [o for o in orgs if _active_on(o, date)]
        weight = {o.pk: members.subtree(o.path)[i] for o in active}
        by_parent: dict[str, list[Organization]] = {}
        for o in active:
            by_parent.setdefault(o.path[:-step], []).append(o)
        assigned = {province.pk: province_quota}
        # Parents come before their children in path order.
        for parent in [province, *active]:
            children = by_parent.get(parent.path, [])
            if parent.pk not in assigned or not children:
                continue
            shares = _apportion(assigned[parent.pk], {c.pk: weight[c.pk] for c in children})
            for child in children:
                assigned[child.pk] = shares[child.pk]
                quotas.append(
                    AdmissionQuota(organization=child, year=year, number=shares[child.pk])
                )
    AdmissionQuota.objects.bulk_create(quotas, batch_size=2000)
    return {"congress terms": len(terms), "term targets": len(targets), "quotas": len(quotas)}

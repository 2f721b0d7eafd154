"""``reports.demo.seed_targets``: the terms and targets of the article, and quotas that add
up down the tree in proportion to members."""

import datetime

from reports import demo, metrics
from reports.models import AdmissionQuota, CongressTerm, Metric

D = datetime.date


def test_terms_and_targets(tree):
    counts = demo.seed_targets(tree.p, today=D(2023, 5, 1))

    assert counts == {"congress terms": 2, "term targets": 6, "quotas": 18}
    terms = {t.name: t for t in metrics.applicable_terms(tree.p)}
    assert (terms["XVI"].first_year, terms["XVI"].last_year) == (2016, 2020)
    assert (terms["XVII"].first_year, terms["XVII"].last_year) == (2021, 2025)
    targets = {
        name: {t.metric: (t.comparator, t.value) for t in term.target_list}
        for name, term in terms.items()
    }
    assert targets["XVI"] == {
        Metric.ADMISSIONS_PER_YEAR: (">=", 2300),
        Metric.MEMBER_RATING_RATE: (">", 85),
        Metric.ORGANIZATION_RATING_RATE: (">=", 95),
    }
    assert targets["XVII"] == {
        Metric.ADMISSIONS_PER_YEAR: (">=", 2000),
        Metric.MEMBER_RATING_RATE: (">", 85),
        Metric.ORGANIZATION_RATING_RATE: (">", 90),
    }
    assert CongressTerm.objects.count() == 2


def test_quotas_follow_members_and_add_up(tree, history, monkeypatch):
    # The history has 5 members on the article's date: pretend that is the default size,
    # so the province gets the full PROVINCE_QUOTA.
    monkeypatch.setattr(demo, "DEFAULT_MEMBERS", 5)

    demo.seed_targets(tree.p, today=D(2022, 3, 1))

    quotas = {
        (q.organization.code, q.year): q.number
        for q in AdmissionQuota.objects.select_related("organization")
    }
    # 1 January 2021: A, B, C, D under D1 (G1), E under D2 (G3).
    assert {k: v for k, v in quotas.items() if k[1] == 2021} == {
        ("P", 2021): 2100,
        ("D1", 2021): 1680,
        ("D2", 2021): 420,
        ("G1", 2021): 1680,
        ("G2", 2021): 0,
        ("G3", 2021): 420,
    }
    # 1 January 2022: A, E, F, G all under G1.
    assert quotas[("D1", 2022)] == quotas[("G1", 2022)] == 2100
    assert quotas[("D2", 2022)] == quotas[("G3", 2022)] == 0


def test_apportion_keeps_the_total():
    parts = demo._apportion(10, {1: 1, 2: 1, 3: 1})
    assert sorted(parts.values()) == [3, 3, 4]
    assert demo._apportion(5, {1: 0, 2: 0}) == {1: 0, 2: 0}

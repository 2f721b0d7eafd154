"""The Party's admission rules R1-R4 and R14 (DESIGN.md section 4), one function each.

Each check returns a dict of form field -> translated message, empty when the rule holds,
so a service can report every broken rule at once (``raise_if_errors``). Parameters come
from ``members.rules.rules_on(date)``, with the date the rule is measured on.
"""

import datetime
from collections import Counter
from fractions import Fraction

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from members.choices import EventKind, MemberStatus
from members.errors import DomainError
from members.models import Member, MembershipEvent
from members.rules import add_months, full_months_between, rules_on

from .choices import IntroducerKind

Errors = dict[str, str]


def _d(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


def raise_if_errors(*results: Errors) -> None:
    """Merge the results of several checks and raise one ``DomainError`` if any failed."""
    merged: dict[str, list[str]] = {}
    for result in results:
        for field, message in result.items():
            merged.setdefault(field, []).append(message)
    if merged:
        raise DomainError(merged)


def check_age_at_meeting(
    *,
    date_of_birth: datetime.date,
    meeting_on: datetime.date,
    over_age_approval_on: datetime.date | None = None,
    field: str = "on",
) -> Errors:
    """R1: on the cell's meeting the candidate is fully 18 to fully 60, counted in months.

    Điều lệ Đảng 2011, Điều 1; QĐ 24-QĐ/TW 2021, 1.1 and QĐ 294-QĐ/TW 2025: "đủ 18 tuổi
    đến đủ 60 tuổi", counted in months to the meeting date. Over 60 needs the written
    approval of the competent standing committee, dated no later than the meeting.
    """
    rules = rules_on(meeting_on)
    months = full_months_between(date_of_birth, meeting_on)
    if months < rules.min_admission_age_months:
        return {
            field: _(
                "On the cell meeting of %(date)s the candidate is %(years)d years %(months)d "
                "months old, under the minimum age of %(min)d years."
            )
            % {
                "date": _d(meeting_on),
                "years": months // 12,
                "months": months % 12,
                "min": rules.min_admission_age_months // 12,
            }
        }
    if months > rules.max_admission_age_months and (
        over_age_approval_on is None or over_age_approval_on > meeting_on
    ):
        return {
            field: _(
                "On the cell meeting of %(date)s the candidate is over %(max)d years old; "
                "record the standing committee's written approval first."
            )
            % {"date": _d(meeting_on), "max": rules.max_admission_age_months // 12}
        }
    return {}


def check_certificate_valid(
    *, certificate_on: datetime.date | None, meeting_on: datetime.date, field: str = "on"
) -> Errors:
    """R2: a party-awareness course certificate, valid 60 months on the cell's meeting date.

    HD 01-HD/TW 2021, 3.1 (and HD 06-HD/TW 2025): the certificate is valid for 60 months;
    an older one requires the course again. Exactly 60 months old is still valid.
    """
    if certificate_on is None:
        return {field: _("The candidate has no party-awareness course certificate.")}
    if certificate_on > meeting_on:
        return {field: _("The course certificate is dated after the cell meeting.")}
    rules = rules_on(meeting_on)
    expires_on = add_months(certificate_on, rules.certificate_validity_months)
    if meeting_on > expires_on:
        return {
            field: _(
                "The course certificate of %(cert)s expired on %(end)s (valid %(months)d "
                "months); the candidate must attend the course again."
            )
            % {
                "cert": _d(certificate_on),
                "end": _d(expires_on),
                "months": rules.certificate_validity_months,
            }
        }
    return {}


def _official_since(member: Member) -> datetime.date | None:
    if member.official_date is not None:
        return member.official_date
    # Official members entered from old records without their official date.
    if member.status == MemberStatus.OFFICIAL:
        return member.admission_decision_date
    return None


def member_is_official_on(member: Member, date: datetime.date) -> bool:
    """True when ``member`` was an official (not probationary) Party member on ``date``."""
    since = _official_since(member)
    return (
        since is not None and since <= date and (member.ended_on is None or member.ended_on > date)
    )


def check_introducer(
    *,
    kind: str,
    member: Member | None,
    introduced_on: datetime.date,
    alongside_since: datetime.date | None,
    person_id: int | None = None,
) -> Errors:
    """R3 for one introducer: an official member, 12 months alongside the candidate.

    Điều lệ Đảng 2011, Điều 4.1; QĐ 24-QĐ/TW 2021, 2 (and QĐ 294-QĐ/TW 2025): the
    introducing member is an official member on the introduction date and has worked or
    lived with the candidate for at least 12 months. Executive committees introduce as
    bodies, so the two conditions apply to member introducers only.
    """
    if kind != IntroducerKind.MEMBER:
        return {}
    if member is None:
        return {"member": _("Choose the introducing member.")}
    if person_id is not None and member.person_id == person_id:
        return {"member": _("Candidates cannot introduce themselves.")}
    if not member_is_official_on(member, introduced_on):
        return {
            "member": _("%(name)s was not an official Party member on %(date)s.")
            % {"name": member, "date": _d(introduced_on)}
        }
    if alongside_since is None:
        return {
            "alongside_since": _(
                "Enter the date the introducer started working or living with the candidate."
            )
        }
    required = rules_on(introduced_on).introducer_months_alongside
    months = full_months_between(alongside_since, introduced_on)
    if months < required:
        return {
            "alongside_since": _(
                "%(name)s has worked or lived with the candidate for %(months)d months; at "
                "least %(required)d are required."
            )
            % {"name": member, "months": months, "required": required}
        }
    return {}


def required_introducers(
    *, is_youth_union_member: bool, has_youth_union: bool
) -> list[dict[str, int]]:
    """R3: the accepted combinations of introducers, each a kind -> count mapping.

    Điều lệ Đảng 2011, Điều 4: two official members; a Youth Union member is introduced by
    the grassroots Youth Union executive committee and one official member; where there is
    no Youth Union organization, the grassroots trade union executive and one official
    member may introduce instead of two members.
    """
    member, youth, trade = (
        IntroducerKind.MEMBER,
        IntroducerKind.YOUTH_UNION_EXECUTIVE,
        IntroducerKind.TRADE_UNION_EXECUTIVE,
    )
    if is_youth_union_member and has_youth_union:
        return [{youth: 1, member: 1}]
    if not has_youth_union:
        return [{member: 2}, {trade: 1, member: 1}]
    return [{member: 2}]


def _combination_label(combination: dict[str, int]) -> str:
    parts = []
    for kind, count in combination.items():
        label = IntroducerKind(kind).label
        parts.append(f"{count} × {label}" if count > 1 else str(label))
    return " + ".join(parts)


def check_introducers(*, candidacy, on: datetime.date, field: str = NON_FIELD_ERRORS) -> Errors:
    """R3 for the whole candidacy: the introducers valid on ``on`` make an accepted set.

    Introducers dated after ``on`` do not count yet; each member introducer must satisfy
    ``check_introducer`` on their own introduction date.
    """
    counts: Counter[str] = Counter()
    problems = []
    for introducer in candidacy.introducers.select_related("member", "member__person"):
        if introducer.introduced_on > on:
            continue
        errors = check_introducer(
            kind=introducer.kind,
            member=introducer.member,
            introduced_on=introducer.introduced_on,
            alongside_since=introducer.alongside_since,
            person_id=candidacy.person_id,
        )
        if errors:
            problems.extend(errors.values())
        else:
            counts[introducer.kind] += 1
    combinations = required_introducers(
        is_youth_union_member=candidacy.is_youth_union_member,
        has_youth_union=candidacy.has_youth_union,
    )
    if any(all(counts[k] >= n for k, n in c.items()) for c in combinations):
        return {}
    message = _("The introducers do not meet the rule; required: %(required)s.") % {
        "required": _(" or ").join(_combination_label(c) for c in combinations)
    }
    return {field: " ".join([message, *problems])}


def _two_thirds_fraction(quorum) -> Fraction:
    # The rule set stores 2/3 as a rounded Decimal; recover the exact ratio it stands for.
    return Fraction(quorum).limit_denominator(100)


def check_resolution_quorum(
    *, yes_votes: int, eligible_members: int, meeting_on: datetime.date
) -> Errors:
    """R4: the cell's resolution passes with at least 2/3 of its eligible official members.

    Điều lệ Đảng 2011, Điều 4.3: "được ít nhất hai phần ba số đảng viên chính thức tán
    thành". The denominator excludes members temporarily transferred elsewhere and absent
    exempt members (QĐ 24-QĐ/TW 2021); it is entered and stored with the yes votes.
    """
    if eligible_members is None or eligible_members < 1:
        return {"eligible_members": _("Enter the number of eligible official members.")}
    if yes_votes is None or yes_votes < 0:
        return {"yes_votes": _("Enter the number of yes votes.")}
    if yes_votes > eligible_members:
        return {"yes_votes": _("Yes votes cannot exceed the eligible official members.")}
    quorum = _two_thirds_fraction(rules_on(meeting_on).resolution_quorum)
    if Fraction(yes_votes, eligible_members) < quorum:
        return {
            "yes_votes": _(
                "%(yes)d of %(total)d official members voted yes; at least %(needed)d are "
                "required (%(ratio)s)."
            )
            % {
                "yes": yes_votes,
                "total": eligible_members,
                "needed": -(-quorum.numerator * eligible_members // quorum.denominator),
                "ratio": f"{quorum.numerator}/{quorum.denominator}",
            }
        }
    return {}


def admission_count(member: Member) -> int:
    """How many times the member was admitted (their ADMISSION events)."""
    return MembershipEvent.objects.filter(member=member, kind=EventKind.ADMISSION).count()


def check_readmission(*, member: Member, on: datetime.date, field: str = "person") -> Errors:
    """R14: a person may be re-admitted only once; only former members can be re-admitted.

    Điều lệ Đảng 2011, Điều 8 and QĐ 24-QĐ/TW 2021, 4 (QĐ 294-QĐ/TW 2025): "chỉ xem xét
    kết nạp lại một lần". Counted from the member's ADMISSION events: at most
    1 + ``max_readmissions``. Re-admitted members serve probation again.
    """
    if member.status in (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL):
        return {field: _("This person is already a Party member.")}
    if member.status != MemberStatus.REMOVED:
        return {
            field: _("This person's membership ended in a way that does not allow re-admission.")
        }
    allowed = 1 + rules_on(on).max_readmissions
    if admission_count(member) >= allowed:
        return {
            field: _("This person has already been re-admitted once and cannot be admitted again.")
        }
    return {}

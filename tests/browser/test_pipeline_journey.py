"""A district staff member takes a candidate from sourcing to official membership.

Every date is entered in the past, relative to today, so that the Party's rules allow each
step: the cell meets about two years ago and the ceremony is more than 12 months ago. On
the way the cell meeting is first dated when the candidate is 17 years and 11 months old,
and the Vietnamese error is shown next to the date.

Fields are found by their id (the form prefix of the step and the field name) rather
than by their label, so that the test does not depend on the wording of the catalog;
the rule's message is checked in Vietnamese.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from members.choices import MemberStatus
from members.rules import add_months
from recruitment.choices import Stage
from recruitment.models import Candidacy
from tests.browser.conftest import log_in
from tests.recruitment.factories import official_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _d(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


class Dates:
    """The candidate's calendar, counted back from today."""

    def __init__(self, today: datetime.date):
        self.meeting = add_months(today, -24)
        self.too_early_meeting = add_months(self.meeting, -1)
        # 18 years and a few days at the meeting; 17 years 11 months a month earlier.
        self.birth = add_months(self.meeting, -18 * 12) - datetime.timedelta(days=3)
        self.sourced = add_months(self.meeting, -7)
        self.course_start = add_months(self.meeting, -6)
        self.course_end = self.course_start + datetime.timedelta(days=4)
        self.certificate = self.course_end + datetime.timedelta(days=3)
        self.alongside = add_months(self.meeting, -40)
        self.introduced = add_months(self.meeting, -4)
        self.dossier = add_months(self.meeting, -3)
        self.approval = self.meeting + datetime.timedelta(days=7)
        self.decision = self.meeting + datetime.timedelta(days=30)
        self.ceremony = self.decision + datetime.timedelta(days=10)
        self.probation_end = add_months(self.ceremony, 12)
        self.review = self.probation_end + datetime.timedelta(days=10)
        self.recognition = self.review + datetime.timedelta(days=10)


@pytest.fixture
def introducers(tree):
    return [official_member(tree.c1) for _ in range(2)]


def _submit(page, form_selector):
    page.locator(f"{form_selector} button[type=submit]").click()


def test_from_sourcing_to_official_membership(page, shot, tree, lapthach, introducers):
    when = Dates(datetime.date.today())
    log_in(page, shot, "lapthach")

    # The pipeline board, empty, then a new candidate.
    page.locator("#main-nav").get_by_role("link", name="Phát triển đảng viên").click()
    expect(page.locator("#board")).to_be_visible()
    shot(page, "board-empty")
    page.goto("/recruitment/candidacies/new/")
    page.locator("#id_national_id").fill("026006001234")
    page.locator("#id_full_name").fill("Kiều Thị Thu Trang")
    page.locator("#id_gender").select_option("FEMALE")
    page.locator("#id_date_of_birth").fill(_d(when.birth))
    page.locator("#id_occupation_group").select_option("STUDENT")
    page.locator("#id_cell").select_option(str(tree.c1.pk))
    page.locator("#id_sourced_on").fill(_d(when.sourced))
    page.locator("#id_source_group").select_option("PUPIL_STUDENT")
    page.locator("#id_is_youth_union_member").uncheck()
    shot(page, "new-candidate")
    _submit(page, "#main-form")
    expect(page.locator("h1")).to_contain_text("Kiều Thị Thu Trang")
    expect(page.locator("#stage")).to_have_text("Tạo nguồn")
    candidacy = Candidacy.objects.get(person__national_id="026006001234")
    candidate_url = f"/recruitment/candidacies/{candidacy.pk}/"
    shot(page, "sourced")

    # A course for the district, the candidate enrolled, the class's certificates.
    page.locator("#recruitment-tabs a[href='/recruitment/courses/']").click()
    shot(page, "courses")
    page.goto("/recruitment/courses/new/")
    page.locator("#id_name").fill("Lớp bồi dưỡng nhận thức về Đảng, Trung tâm chính trị huyện")
    page.locator("#id_organizer").select_option(str(tree.d1.pk))
    page.locator("#id_start_on").fill(_d(when.course_start))
    page.locator("#id_end_on").fill(_d(when.course_end))
    shot(page, "new-course")
    _submit(page, "#main-form")
    expect(page.locator("h1")).to_contain_text("Lớp bồi dưỡng nhận thức về Đảng")
    page.locator("#id_enroll-candidacies").select_option(str(candidacy.pk))
    _submit(page, "#enroll-form")
    expect(page.locator("#attendees")).to_contain_text("Kiều Thị Thu Trang")
    page.locator("#attendees input[name^='certificates-number_']").fill("GCN-0417")
    page.locator("#attendees input[name^='certificates-on_']").fill(_d(when.certificate))
    shot(page, "course-certificates")
    _submit(page, "#certificates-form")
    expect(page.locator("#attendees input[name^='certificates-number_']")).to_have_value("GCN-0417")

    # Introducers and the dossier.
    page.goto(candidate_url)
    expect(page.locator("#stage")).to_have_text("Đã học lớp bồi dưỡng")
    expect(page.locator("#certificate")).to_contain_text("GCN-0417")
    for member in introducers:
        page.locator("#id_introducer-member").select_option(str(member.pk))
        page.locator("#id_introducer-introduced_on").fill(_d(when.introduced))
        page.locator("#id_introducer-alongside_since").fill(_d(when.alongside))
        _submit(page, "#step-introducer")
        expect(page.locator("#introducers")).to_contain_text(member.person.full_name)
    shot(page, "introducers")
    page.locator("#id_dossier-on").fill(_d(when.dossier))
    page.locator("#id_dossier-has_application").check()
    page.locator("#id_dossier-has_biography").check()
    page.locator("#id_dossier-background_check_done").check()
    _submit(page, "#step-dossier")
    expect(page.locator("#stage")).to_have_text("Hoàn thiện hồ sơ")
    shot(page, "dossier-ready")

    # The cell meets when she is 17 years and 11 months old: refused, in Vietnamese.
    page.locator("#id_resolution-on").fill(_d(when.too_early_meeting))
    page.locator("#id_resolution-yes_votes").fill("8")
    page.locator("#id_resolution-eligible_members").fill("9")
    _submit(page, "#step-resolution")
    error = page.locator("#error_1_id_resolution-on")
    expect(error).to_have_text(
        f"Vào ngày họp chi bộ {_d(when.too_early_meeting)}, quần chúng mới 17 tuổi 11 tháng, "
        "chưa đủ 18 tuổi."
    )
    expect(page.locator("#id_resolution-on")).to_have_class(re.compile(r"is-invalid"))
    expect(page.locator("#stage")).to_have_text("Hoàn thiện hồ sơ")
    shot(page, "under-18")

    # A month later she is 18: the resolution passes with 8 of 9.
    page.locator("#id_resolution-on").fill(_d(when.meeting))
    _submit(page, "#step-resolution")
    expect(page.locator("#stage")).to_have_text("Nghị quyết chi bộ")
    expect(page.locator("#resolution")).to_contain_text("8")
    shot(page, "resolution")

    # The grassroots committee approves, the district decides, the ceremony is held.
    page.locator("#id_committee_approval-on").fill(_d(when.approval))
    page.locator("#id_committee_approval-number").fill("45-NQ/ĐU")
    _submit(page, "#step-committee_approval")
    expect(page.locator("#stage")).to_have_text("Đảng ủy cơ sở xét duyệt")
    expect(page.locator("#id_decision-committee")).to_have_value("Huyện ủy Lập Thạch")
    page.locator("#id_decision-number").fill("1024-QĐ/HU")
    page.locator("#id_decision-on").fill(_d(when.decision))
    page.locator("#id_decision-committee").fill("Ban Thường vụ Huyện ủy Lập Thạch")
    shot(page, "decision-form")
    _submit(page, "#step-decision")
    expect(page.locator("#decision")).to_contain_text("1024-QĐ/HU")
    page.locator("#id_ceremony-on").fill(_d(when.ceremony))
    _submit(page, "#step-ceremony")
    expect(page.locator("#stage")).to_have_text("Đã kết nạp (dự bị)")
    expect(page.locator("#timeline > li")).to_have_count(7)
    shot(page, "admitted")

    # The member page of the new probationary member.
    page.locator("#member-link").click()
    expect(page.locator("h1")).to_contain_text("Kiều Thị Thu Trang")
    expect(page.locator("#party-data")).to_contain_text("Chi bộ thôn Phấn Kiến")
    shot(page, "member-probationary")
    member = Candidacy.objects.get(pk=candidacy.pk).member
    assert member.status == MemberStatus.PROBATIONARY

    # Probation ended over ten months ago: the due list and the probation page show it.
    page.goto("/recruitment/due/")
    expect(page.locator("#due-RECOGNITION")).to_contain_text("Kiều Thị Thu Trang")
    shot(page, "due-list")
    page.locator("#recruitment-tabs a[href='/recruitment/probation/']").click()
    row = page.locator("#probation tbody tr", has_text="Kiều Thị Thu Trang")
    expect(row).to_contain_text(_d(when.probation_end))
    shot(page, "probation")
    row.locator(f"a[href='/recruitment/probation/{member.pk}/']").click()
    page.locator("#id_recognize-resolution_on").fill(_d(when.review))
    page.locator("#id_recognize-decision_number").fill("2210-QĐ/HU")
    page.locator("#id_recognize-decision_on").fill(_d(when.recognition))
    page.locator("#id_recognize-committee").fill("Ban Thường vụ Huyện ủy Lập Thạch")
    shot(page, "recognition-form")
    _submit(page, "#recognize-form")
    expect(page).to_have_url(re.compile(r"/recruitment/probation/$"))
    expect(page.locator("#probation")).not_to_contain_text("Kiều Thị Thu Trang")
    shot(page, "recognized")

    # Official from the exact end of the 12 months of probation.
    page.goto(candidate_url)
    expect(page.locator("#stage")).to_have_text("Đảng viên chính thức")
    expect(page.locator("#candidacy-data")).to_contain_text(_d(when.probation_end))
    shot(page, "official")
    candidacy = Candidacy.objects.select_related("member").get(pk=candidacy.pk)
    assert candidacy.stage == Stage.OFFICIAL
    assert candidacy.member.status == MemberStatus.OFFICIAL
    assert candidacy.member.official_date == when.probation_end

"""Synthetic people: Vietnamese names, ethnicity, national IDs, education and occupation.

Every value is drawn from ``rng`` so that a seed always gives the same people. Shares are
rough figures for a northern midland province, good enough for a demo, not statistics.
"""

import datetime
from bisect import bisect_right
from functools import cache
from itertools import accumulate

from ..choices import (
    Ethnicity,
    GeneralEducation,
    OccupationGroup,
    PoliticalTheory,
    Qualification,
    Religion,
)
from ..search import normalize_search
from .tree import VILLAGE

# normalize_search works character by character, so keys of the parts make the name's key.
_key = cache(normalize_search)


class Weighted:
    """Draw from (value, weight) pairs."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def draw(self, rng):
        return self.values[bisect_right(self.cum, rng.random() * self.total)]


def _names(text):
    return tuple(text.split())


KINH_SURNAMES = Weighted(
    [
        ("Nguyễn", 30),
        ("Trần", 8),
        ("Lê", 6),
        ("Phạm", 5),
        ("Hoàng", 4),
        ("Vũ", 4),
        ("Đỗ", 4),
        ("Phùng", 3),
        ("Bùi", 3),
        ("Đặng", 3),
        ("Ngô", 2),
        ("Dương", 2),
        ("Đào", 2),
        ("Hà", 1.5),
        ("Lưu", 1.5),
        ("Tạ", 1.5),
        ("Khổng", 1),
        ("Chu", 1),
        ("Lương", 1),
        ("Trịnh", 1),
        ("Đinh", 1),
        ("Cao", 1),
        ("Kim", 1),
        ("Phan", 1),
        ("Triệu", 0.5),
        ("Tô", 0.5),
        ("Lại", 0.5),
        ("Hồ", 0.5),
        ("Mai", 0.5),
        ("Lý", 0.5),
        ("Quách", 0.3),
        ("Nghiêm", 0.3),
        ("Doãn", 0.3),
        ("Lã", 0.3),
    ]
)
MINORITY_SURNAMES = {
    Ethnicity.SAN_DIU: _names("Lam Trương Diệp Lưu Tạ Đặng Hà Dương"),
    Ethnicity.TAY: _names("Hoàng Nông Lương Vi Triệu Ma Hà"),
    Ethnicity.NUNG: _names("Hoàng Nông Lục Vi Hà Lăng"),
    Ethnicity.MUONG: _names("Đinh Bùi Quách Hà Xa"),
    Ethnicity.DAO: _names("Triệu Bàn Đặng Lý Chảo"),
    Ethnicity.SAN_CHAY: _names("Hoàng Trần Lâm La"),
}
MALE_MIDDLE_OLD = Weighted(
    [("Văn", 60), ("Đức", 8), ("Hữu", 6), ("Đình", 6), ("Xuân", 5), ("Quang", 5), ("Ngọc", 4)]
    + [("Công", 4), ("Bá", 2), ("Trọng", 2), ("Minh", 3), ("Thanh", 2)]
)
MALE_MIDDLE_YOUNG = Weighted(
    [("Văn", 25), ("Đức", 10), ("Minh", 10), ("Quang", 8), ("Hoàng", 6), ("Tuấn", 5)]
    + [("Duy", 6), ("Thành", 5), ("Mạnh", 4), ("Trung", 4), ("Xuân", 3), ("Hữu", 4)]
    + [("Ngọc", 3), ("Việt", 3), ("Anh", 2), ("Quốc", 4), ("Tiến", 3), ("Công", 3)]
)
FEMALE_MIDDLE_OLD = Weighted([("Thị", 85), ("Ngọc", 4), ("Thu", 4), ("Kim", 3), ("Thanh", 4)])
FEMALE_MIDDLE_YOUNG = Weighted(
    [("Thị", 30), ("Thu", 7), ("Ngọc", 7), ("Thanh", 6), ("Phương", 5), ("Minh", 5)]
    + [("Thùy", 5), ("Hồng", 4), ("Mai", 3), ("Diệu", 2), ("Bảo", 2), ("Khánh", 3)]
    + [("Thị Hồng", 4), ("Thị Thu", 4), ("Thị Thanh", 3), ("Thị Minh", 2), ("Thị Kim", 2)]
)
MALE_GIVEN_OLD = _names(
    "Hùng Dũng Thắng Lợi Chiến Bình Minh Sơn Hải Thành Tuấn Quang Đức Hòa Toàn Nghĩa Cường "
    "Khải Kỳ Lực Tường Thuận Hiển Huấn Phúc Quý Thịnh Tiến Vinh Xuân Đạt Hưng Long Mạnh Nam "
    "Phong Thanh Trung Việt Khang Bảo Định Hợp Luận Phương Tân Thiện"
)
MALE_GIVEN_YOUNG = _names(
    "Anh Bảo Cường Dũng Duy Đạt Đức Giang Hải Hiếu Hoàng Huy Hùng Hưng Khánh Khoa Kiên Lâm "
    "Long Mạnh Minh Nam Nghĩa Phong Phúc Quân Quang Sơn Tài Tâm Thành Thắng Thịnh Toàn "
    "Trung Tuấn Tùng Việt Vinh Vũ Khải Hậu Lộc Nhật Trường"
)
FEMALE_GIVEN_OLD = _names(
    "Lan Hoa Hương Hồng Mai Thu Nga Hằng Hạnh Hiền Huệ Liên Loan Lý Nhàn Oanh Phương Thảo Thủy "
    "Tuyết Vân Xuân Yến Dung Đào Gấm Hà Lụa Mơ Nguyệt Nhung Quế Sen Thơm Tâm Thanh Cúc"
)
FEMALE_GIVEN_YOUNG = _names(
    "Anh Chi Diệp Dung Duyên Giang Hà Hằng Hạnh Hiền Hoa Huyền Hương Lan Linh Ly Mai My Ngân "
    "Ngọc Nhung Nhi Oanh Phương Quỳnh Thảo Thu Thúy Trang Trâm Uyên Vân Vy Yến Nhàn Hồng"
)

# Ethnic minority shares by district (Sán Dìu live mostly around Tam Đảo).
MINORITIES = Weighted(
    [
        (Ethnicity.TAY, 3),
        (Ethnicity.NUNG, 2),
        (Ethnicity.MUONG, 2),
        (Ethnicity.DAO, 2),
        (Ethnicity.SAN_CHAY, 1),
    ]
)
SAN_DIU_SHARE = {"VP-TDA": 0.22, "VP-PY": 0.05, "VP-BX": 0.05, "VP-TDU": 0.04, "VP-LT": 0.01}
OTHER_MINORITY_SHARE = 0.008

RELIGIONS = Weighted(
    [(Religion.NONE, 965), (Religion.BUDDHISM, 25), (Religion.CATHOLICISM, 9), (Religion.OTHER, 1)]
)

# Occupation of a member by the profile of their cell, before the retirement age.
OCCUPATIONS = {
    VILLAGE: Weighted(
        [
            (OccupationGroup.FARMER, 55),
            (OccupationGroup.WORKER, 12),
            (OccupationGroup.BUSINESS_OWNER, 10),
            (OccupationGroup.ENTERPRISE_EMPLOYEE, 10),
            (OccupationGroup.OTHER, 13),
        ]
    ),
    "commune_agency": Weighted([(OccupationGroup.CIVIL_SERVANT, 1)]),
    "commune_military": Weighted([(OccupationGroup.ARMED_FORCES, 1)]),
    "admin": Weighted([(OccupationGroup.CIVIL_SERVANT, 9), (OccupationGroup.PUBLIC_EMPLOYEE, 1)]),
    "public": Weighted([(OccupationGroup.PUBLIC_EMPLOYEE, 9), (OccupationGroup.CIVIL_SERVANT, 1)]),
    "school": Weighted([(OccupationGroup.TEACHER, 9), (OccupationGroup.PUBLIC_EMPLOYEE, 1)]),
    "health": Weighted([(OccupationGroup.HEALTH_WORKER, 9), (OccupationGroup.PUBLIC_EMPLOYEE, 1)]),
    "college": Weighted([(OccupationGroup.TEACHER, 5), (OccupationGroup.STUDENT, 5)]),
    "enterprise": Weighted(
        [(OccupationGroup.WORKER, 55), (OccupationGroup.ENTERPRISE_EMPLOYEE, 45)]
    ),
    "military": Weighted([(OccupationGroup.ARMED_FORCES, 1)]),
    "police": Weighted([(OccupationGroup.POLICE, 1)]),
}
# Qualification and political theory follow the career (the last workplace held).
QUALIFICATIONS = {
    VILLAGE: Weighted(
        [
            (Qualification.NONE, 55),
            (Qualification.VOCATIONAL, 20),
            (Qualification.COLLEGE, 10),
            (Qualification.BACHELOR, 15),
        ]
    ),
    "office": Weighted(
        [
            (Qualification.COLLEGE, 8),
            (Qualification.BACHELOR, 65),
            (Qualification.MASTER, 25),
            (Qualification.DOCTORATE, 2),
        ]
    ),
    "school": Weighted(
        [(Qualification.COLLEGE, 20), (Qualification.BACHELOR, 70), (Qualification.MASTER, 10)]
    ),
    "health": Weighted(
        [
            (Qualification.VOCATIONAL, 10),
            (Qualification.COLLEGE, 25),
            (Qualification.BACHELOR, 50),
            (Qualification.MASTER, 13),
            (Qualification.DOCTORATE, 2),
        ]
    ),
    "enterprise": Weighted(
        [
            (Qualification.NONE, 10),
            (Qualification.VOCATIONAL, 35),
            (Qualification.COLLEGE, 20),
            (Qualification.BACHELOR, 32),
            (Qualification.MASTER, 3),
        ]
    ),
    "armed": Weighted(
        [
            (Qualification.VOCATIONAL, 25),
            (Qualification.COLLEGE, 30),
            (Qualification.BACHELOR, 40),
            (Qualification.MASTER, 5),
        ]
    ),
}
QUALIFICATION_OF_PROFILE = {
    VILLAGE: VILLAGE,
    "commune_agency": "office",
    "commune_military": "armed",
    "admin": "office",
    "public": "office",
    "school": "school",
    "college": "school",
    "health": "health",
    "enterprise": "enterprise",
    "military": "armed",
    "police": "armed",
}
THEORY_RANK_AND_FILE = Weighted(
    [
        (PoliticalTheory.NONE, 30),
        (PoliticalTheory.ELEMENTARY, 65),
        (PoliticalTheory.INTERMEDIATE, 5),
    ]
)
THEORY_CADRE = Weighted(
    [
        (PoliticalTheory.ELEMENTARY, 30),
        (PoliticalTheory.INTERMEDIATE, 45),
        (PoliticalTheory.ADVANCED, 20),
        (PoliticalTheory.BACHELOR, 5),
    ]
)
CADRE_PROFILES = frozenset({"commune_agency", "admin", "military", "police"})

FEMALE_SHARE = {
    VILLAGE: 0.33,
    "commune_agency": 0.35,
    "commune_military": 0.03,
    "admin": 0.45,
    "public": 0.5,
    "school": 0.75,
    "health": 0.65,
    "college": 0.6,
    "enterprise": 0.45,
    "military": 0.06,
    "police": 0.15,
}

PROVINCE_ID_CODE = "026"  # Vĩnh Phúc in the 12-digit citizen ID (Circular 59/2021/TT-BCA)
_1925 = datetime.date(1925, 1, 1).toordinal()
_1950 = datetime.date(1950, 1, 1).toordinal()
_1970 = datetime.date(1970, 1, 1).toordinal()
_1985 = datetime.date(1985, 1, 1).toordinal()


def full_name(rng, female: bool, birth: int, ethnicity: str) -> tuple[str, str]:
    """A name in Vietnamese order (family, middle, given name) and its search key."""
    young = birth >= _1970
    surnames = MINORITY_SURNAMES.get(ethnicity)
    surname = rng.choice(surnames) if surnames else KINH_SURNAMES.draw(rng)
    if female:
        middle = (FEMALE_MIDDLE_YOUNG if young else FEMALE_MIDDLE_OLD).draw(rng)
        given = rng.choice(FEMALE_GIVEN_YOUNG if young else FEMALE_GIVEN_OLD)
    else:
        middle = (MALE_MIDDLE_YOUNG if young else MALE_MIDDLE_OLD).draw(rng)
        given = rng.choice(MALE_GIVEN_YOUNG if young else MALE_GIVEN_OLD)
    if given in middle.split():
        given = rng.choice(FEMALE_GIVEN_OLD if female else MALE_GIVEN_OLD)
    return f"{surname} {middle} {given}", f"{_key(surname)} {_key(middle)} {_key(given)}"


def ethnicity(rng, district_code: str) -> str:
    roll = rng.random()
    san_diu = SAN_DIU_SHARE.get(district_code, 0.003)
    if roll < san_diu:
        return Ethnicity.SAN_DIU
    if roll < san_diu + OTHER_MINORITY_SHARE:
        return MINORITIES.draw(rng)
    return Ethnicity.KINH


def national_id(rng, female: bool, birth: datetime.date, used: set) -> str:
    """Citizen ID: province code, century and gender digit, year of birth, 6 random digits."""
    century_gender = (0 if birth.year < 2000 else 2) + (1 if female else 0)
    prefix = f"{PROVINCE_ID_CODE}{century_gender}{birth.year % 100:02d}"
    while True:
        value = f"{prefix}{int(rng.random() * 1_000_000):06d}"
        if value not in used:
            used.add(value)
            return value


def general_education(rng, birth: int, profile: str) -> str:
    if profile != VILLAGE or birth >= _1985:
        return GeneralEducation.UPPER_SECONDARY
    roll = rng.random()
    if birth < _1950:
        if roll < 0.25:
            return GeneralEducation.PRIMARY
        return GeneralEducation.LOWER_SECONDARY if roll < 0.8 else GeneralEducation.UPPER_SECONDARY
    if birth < _1970:
        return GeneralEducation.LOWER_SECONDARY if roll < 0.4 else GeneralEducation.UPPER_SECONDARY
    return GeneralEducation.LOWER_SECONDARY if roll < 0.1 else GeneralEducation.UPPER_SECONDARY


def qualification(rng, career: str) -> str:
    return QUALIFICATIONS[QUALIFICATION_OF_PROFILE[career]].draw(rng)


def political_theory(rng, career: str) -> str:
    return (THEORY_CADRE if career in CADRE_PROFILES else THEORY_RANK_AND_FILE).draw(rng)


def occupation(rng, profile: str, career: str, retired: bool) -> str:
    """Occupation now (or when the membership ended): by the cell, retired after the age."""
    if retired and (profile == VILLAGE or career != VILLAGE):
        return OccupationGroup.RETIRED
    return OCCUPATIONS[profile].draw(rng)


def religion(rng) -> str:
    return RELIGIONS.draw(rng)

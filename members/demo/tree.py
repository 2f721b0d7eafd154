"""The organization tree of the demo province, built in memory.

The tree does not depend on ``--seed``: every run builds the same organizations with the
same codes, names and dates (a fixed random stream picks village counts and dates), so
that documentation and tests can name them. Only the people change with the seed.

Shape (DESIGN.md section 6): 14 committees under the provincial committee in 2015 (9
district-level ones, the provincial agencies' and enterprises' blocks, the military, the
police and the industrial zones' block), the industrial zones' committee merged into the
enterprises' block on ``MERGER_DATE``; 617 grassroots organizations of which 137 are
communes, wards and towns; every commune agency cell and 126 of the 137 commune military
cells dissolved during term XVI; 3,100 active cells.
"""

import datetime
import random

from ..choices import Closure, OrganizationEventKind, Sector
from ..choices import OrganizationKind as K
from .catalog import (
    COOPERATIVE_KINDS,
    DISTRICT_UNITS,
    DISTRICTS,
    ENTERPRISE_BRANDS,
    ENTERPRISE_TRADES,
    FDI_BRANDS,
    FDI_SUFFIXES,
    MILITARY_CELLS,
    MILITARY_COMMITTEES,
    POLICE_CELLS,
    POLICE_COMMITTEES,
    PROVINCIAL_AGENCY_CELLS,
    PROVINCIAL_AGENCY_COMMITTEES,
    STATE_ENTERPRISE_CELLS,
    STATE_ENTERPRISE_COMMITTEES,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
)
from .constants import (
    ACTIVE_CELLS,
    ACTIVE_GRASSROOTS,
    COMMUNE_LEVEL_GRASSROOTS,
    COMMUNE_MILITARY_CELLS_DISSOLVED,
    MERGER_DATE,
    PROVINCE_CODE,
)

TREE_SEED = "Vĩnh Phúc 2020"
PROVINCE_NAME = "Đảng bộ tỉnh Vĩnh Phúc"
PROVINCE_FOUNDED = datetime.date(1950, 2, 12)
D = datetime.date

# Occupation profiles of cells (see people.py), also used to pick where members move.
VILLAGE = "village"
WORKPLACE_GROUPS = {
    "admin": "civil",
    "public": "civil",
    "school": "civil",
    "health": "civil",
    "college": "civil",
    "enterprise": "enterprise",
    "military": "military",
    "police": "police",
}

# Relative admissions a year per cell, by profile: where new members come from.
ADMISSION_WEIGHTS = {
    VILLAGE: 0.8,
    "commune_agency": 1.3,
    "commune_military": 0.7,
    "admin": 0.8,
    "public": 0.8,
    "school": 0.8,
    "health": 0.8,
    "college": 3.0,
    "enterprise": 1.2,
    "military": 1.8,
    "police": 1.2,
}


class Org:
    """An organization of the demo tree, with hints for placing members."""

    __slots__ = (
        "pk",
        "code",
        "name",
        "kind",
        "sector",
        "established_on",
        "closed_on",
        "closure",
        "successor",
        "parent",
        "children",
        "former_parent",
        "path",
        "depth",
        "profile",
        "weight",
        "district",
        "commune",
        "label",
        "suffix",
        "committee_name",
        "est",
        "closed",
        "villages",
    )

    def __init__(self, code, name, kind, sector, established_on, parent=None, profile=""):
        self.pk = 0
        self.code = code
        self.name = name
        self.kind = kind
        self.sector = sector
        self.established_on = established_on
        self.closed_on = None
        self.closure = ""
        self.successor = None
        self.parent = parent
        self.children = []
        self.former_parent = None
        self.path = ""
        self.depth = 0
        self.profile = profile
        self.weight = 0.0
        self.district = parent.district if parent is not None else None
        self.commune = parent.commune if parent is not None else None
        self.label = ""  # "xã Đình Chu, huyện Lập Thạch" for communes
        self.suffix = parent.suffix if parent is not None else ""
        self.committee_name = parent.committee_name if parent is not None else ""
        self.est = established_on.toordinal()
        self.closed = None  # ordinal of closed_on
        self.villages = []  # village cells of a commune
        if parent is not None:
            parent.children.append(self)

    def close(self, on, closure, successor=None):
        self.closed_on = on
        self.closed = on.toordinal()
        self.closure = closure
        self.successor = successor

    @property
    def is_cell(self):
        return self.kind in (K.CELL, K.GRASSROOTS_CELL)

    def upper_on(self, day: int) -> "Org":
        """The committee under the province above this organization on a date (ordinal)."""
        org = self
        while org.kind != K.UPPER:
            if org.former_parent is not None and day < MERGER_DATE.toordinal():
                org = org.former_parent
            else:
                org = org.parent
        return org

    def __repr__(self):
        return f"<Org {self.code} {self.name}>"


class Tree:
    """The built tree: organizations in path order and the restructuring log."""

    def __init__(self, province, orgs, events, communes, uppers):
        self.province = province
        self.orgs = orgs
        self.events = events  # (org, kind, date, other, old_value, new_value, decision)
        self.communes = communes
        self.uppers = uppers
        self.cells = [o for o in orgs if o.is_cell]


def _date_in(rng, first_year, last_year, after=None):
    """A random date in the given years, not before ``after``."""
    start = D(first_year, 1, 1).toordinal()
    end = D(last_year, 12, 31).toordinal()
    if after is not None:
        start = max(start, after.toordinal())
        end = max(end, start)
    return D.fromordinal(rng.randint(start, end))


def _after(rng, parent, years=10, latest=None):
    """A founding date within ``years`` of the parent's, never before it."""
    start = parent.established_on.toordinal()
    end = start + years * 365
    if latest is not None:
        end = max(start, min(end, latest.toordinal()))
    return D.fromordinal(rng.randint(start, end))


class _Builder:
    def __init__(self):
        self.rng = random.Random(TREE_SEED)
        self.events = []
        self.counters = {}
        self.used_names = set()

    def decision(self, suffix, year):
        key = (suffix, year)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{self.counters[key] * 7 + 12}-QĐ/{suffix}"

    def cell(self, parent, code, name, sector, profile, established_on, weight=1.0):
        org = Org(code, name, K.CELL, sector, established_on, parent, profile)
        org.weight = ADMISSION_WEIGHTS[profile] * weight * self.rng.uniform(0.6, 1.4)
        return org

    def grassroots(self, parent, code, name, sector, profile, established_on, cells, weight=1.0):
        """A grassroots cell (``cells`` is None) or committee with its cells.

        ``cells`` items are cell names, or (sub-committee name, cell names) pairs.
        """
        if cells is None:
            org = Org(code, name, K.GRASSROOTS_CELL, sector, established_on, parent, profile)
            org.weight = ADMISSION_WEIGHTS[profile] * weight * self.rng.uniform(1.5, 3.0)
            return org
        org = Org(code, name, K.GRASSROOTS_COMMITTEE, sector, established_on, parent, profile)
        latest = max(established_on, D(2015, 12, 31))
        n = 0
        for j, item in enumerate(cells, 1):
            if isinstance(item, tuple):
                sub_name, sub_cells = item
                sub = Org(
                    f"{code}-B{j}",
                    f"Đảng bộ bộ phận {sub_name}",
                    K.SUB_COMMITTEE,
                    sector,
                    _after(self.rng, org, 5, latest),
                    org,
                    profile,
                )
                for k, cell_name in enumerate(sub_cells, 1):
                    self.cell(
                        sub,
                        f"{sub.code}-{k:02d}",
                        f"Chi bộ {cell_name}",
                        sector,
                        profile,
                        _after(self.rng, sub, 5, latest),
                        weight,
                    )
            else:
                n += 1
                cell_name = item if item.startswith("Chi bộ") else f"Chi bộ {item}"
                self.cell(
                    org,
                    f"{code}-{n:02d}",
                    cell_name,
                    sector,
                    profile,
                    _after(self.rng, org, 10, latest),
                    weight,
                )
        return org

    def unique(self, make):
        for _ in range(200):
            name = make()
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("ran out of demo names")

    def enterprise(self, parent, code, sector, place, cells=None):
        rng = self.rng
        if sector == Sector.FDI_ENTERPRISE:
            company = self.unique(
                lambda: f"Công ty TNHH {rng.choice(FDI_BRANDS)} {rng.choice(FDI_SUFFIXES)}"
            )
            founded = _date_in(rng, 1998, 2017, parent.established_on)
        elif sector == Sector.OTHER:
            company = self.unique(
                lambda: f"Hợp tác xã {rng.choice(COOPERATIVE_KINDS)} {rng.choice(place)}"
            )
            founded = _date_in(rng, 1960, 1995, parent.established_on)
        else:
            form = rng.choice(("Công ty TNHH", "Công ty CP"))
            company = self.unique(
                lambda: f"{form} {rng.choice(ENTERPRISE_TRADES)} {rng.choice(ENTERPRISE_BRANDS)}"
            )
            founded = _date_in(rng, 1996, 2015, parent.established_on)
        profile = "enterprise" if sector != Sector.OTHER else VILLAGE
        if cells:
            name = f"Đảng bộ {company}"
            cells = ("Văn phòng", "Phân xưởng sản xuất số 1", "Phân xưởng sản xuất số 2")[:cells]
        else:
            name = f"Chi bộ {company}"
        weight = 1.0 if sector != Sector.OTHER else 0.4
        return self.grassroots(parent, code, name, sector, profile, founded, cells or None, weight)


def _commune(b, district, code, kind_label, place_name, sector):
    rng = b.rng
    label = f"{kind_label} {place_name}"
    committee = Org(
        code,
        f"Đảng bộ {label}",
        K.GRASSROOTS_COMMITTEE,
        sector,
        _date_in(rng, 1950, 1950, district.established_on),
        district,
        VILLAGE,
    )
    committee.commune = committee
    committee.label = f"{label}, {district.label}"
    founded = committee.established_on
    agency = b.cell(
        committee,
        f"{code}-CQ",
        f"Chi bộ Cơ quan {label}",
        Sector.COMMUNE_AGENCY,
        "commune_agency",
        _after(rng, committee, 10),
    )
    military = b.cell(
        committee,
        f"{code}-QS",
        f"Chi bộ Quân sự {label}",
        Sector.COMMUNE_MILITARY,
        "commune_military",
        _date_in(rng, 1960, 1975, founded),
    )
    if sector != Sector.WARD:
        # Regular police came to communes and towns in 2019 with cells of their own.
        b.cell(
            committee,
            f"{code}-CA",
            f"Chi bộ Công an {label}",
            Sector.POLICE,
            "police",
            _date_in(rng, 2019, 2019),
        )
    for school, abbreviation in (("Mầm non", "MN"), ("Tiểu học", "TH"), ("THCS", "CS")):
        b.cell(
            committee,
            f"{code}-{abbreviation}",
            f"Chi bộ Trường {school} {place_name}",
            Sector.SCHOOL,
            "school",
            _date_in(rng, 1960, 1990, founded),
        )
    b.cell(
        committee,
        f"{code}-YT",
        f"Chi bộ Trạm Y tế {label}",
        Sector.PUBLIC_SERVICE,
        "health",
        _date_in(rng, 1965, 1990, founded),
    )
    return committee, agency, military


def _add_villages(b, communes, total):
    """Give every commune its village cells so that the province has ``total`` of them."""
    rng = b.rng
    sizes = [rng.uniform(0.7, 1.4) * (0.8 if c.sector == Sector.WARD else 1.0) for c in communes]
    scale = (total - 6 * len(communes)) / sum(sizes)
    counts = [6 + int(s * scale) for s in sizes]
    for i in sorted(range(len(communes)), key=lambda i: -(sizes[i] * scale) % 1)[
        : total - sum(counts)
    ]:
        counts[i] += 1
    for commune, count in zip(communes, counts, strict=True):
        names = set()
        villages = []
        for k in range(1, count + 1):
            if commune.sector == Sector.WARD:
                name = f"Chi bộ tổ dân phố số {k}"
            else:
                while True:
                    short = f"{rng.choice(VILLAGE_FIRST)} {rng.choice(VILLAGE_SECOND)}"
                    if short not in names and short.split()[0] != short.split()[1]:
                        names.add(short)
                        break
                group = "tổ dân phố" if commune.sector == Sector.TOWNSHIP else "thôn"
                name = f"Chi bộ {group} {short}"
            weight = 0.8 if commune.sector == Sector.WARD else 1.0
            village = b.cell(
                commune,
                f"{commune.code}-{k:02d}",
                name,
                Sector.VILLAGE,
                VILLAGE,
                _after(rng, commune, 6),
                weight,
            )
            villages.append(village)
        # Villages first, then the commune's agencies, as a committee lists its cells.
        commune.children = villages + [c for c in commune.children if c not in villages]
        commune.villages = villages


def _district(b, province, spec, district_index):
    rng = b.rng
    code, name, place, short, suffix, others, wards, towns, communes = spec
    district = Org(code, name, K.UPPER, Sector.DISTRICT, D(1950, 3, 1), province)
    district.district = district
    district.label = place
    district.suffix = suffix
    district.committee_name = name
    committee_word = name.split()[0] + " " + name.split()[1].lower()  # "Huyện ủy"
    commune_orgs, agencies, militaries = [], [], []
    n = 0
    for kind_label, sector, names in (
        ("phường", Sector.WARD, wards),
        ("thị trấn", Sector.TOWNSHIP, towns),
        ("xã", Sector.COMMUNE, communes),
    ):
        for place_name in names:
            n += 1
            commune, agency, military = _commune(
                b, district, f"{code}-{n:03d}", kind_label, place_name, sector
            )
            commune_orgs.append(commune)
            agencies.append(agency)
            militaries.append(military)
    all_places = wards + towns + communes
    for template, sector, profile, cells, (first, last) in DISTRICT_UNITS:
        n += 1
        unit_name = template.format(place=place)
        if cells is not None:
            cells = tuple(c.format(committee=committee_word) for c in cells)
        b.grassroots(
            district,
            f"{code}-{n:03d}",
            unit_name,
            sector,
            profile,
            _date_in(rng, first, last, district.established_on),
            cells,
        )
    schools = [short] + rng.sample([p for p in all_places if p != short], 2)
    for school in schools:
        n += 1
        b.grassroots(
            district,
            f"{code}-{n:03d}",
            f"Chi bộ Trường THPT {school}",
            Sector.SCHOOL,
            "school",
            _date_in(rng, 1960, 2000),
            None,
            weight=1.5,
        )
    padding = others - len(DISTRICT_UNITS) - len(schools)
    urban = district_index < 3  # the two cities and Bình Xuyên host the industrial parks
    for i in range(padding):
        n += 1
        roll = rng.random()
        if roll < (0.3 if urban else 0.08):
            sector = Sector.FDI_ENTERPRISE
        elif roll < 0.85:
            sector = Sector.PRIVATE_ENTERPRISE
        else:
            sector = Sector.OTHER
        big = 3 if (urban and i < 2) else None
        b.enterprise(district, f"{code}-{n:03d}", sector, all_places, big)
    return district, commune_orgs, agencies, militaries


def _block(b, province, code, name, committee_name, sector, founded):
    upper = Org(code, name, K.UPPER, sector, founded, province)
    upper.suffix = "ĐU"
    upper.committee_name = committee_name
    return upper


def build_tree() -> Tree:
    """Build the demo province's organizations, their dates and restructuring log."""
    b = _Builder()
    rng = b.rng
    province = Org(PROVINCE_CODE, PROVINCE_NAME, K.PROVINCE, Sector.OTHER, PROVINCE_FOUNDED)
    province.suffix = "TU"
    province.committee_name = "Tỉnh ủy Vĩnh Phúc"
    communes, agencies, militaries, districts = [], [], [], []
    for i, spec in enumerate(DISTRICTS):
        district, c, a, m = _district(b, province, spec, i)
        districts.append(district)
        communes += c
        agencies += a
        militaries += m

    agencies_block = _block(
        b,
        province,
        "VP-KCQ",
        "Đảng bộ Khối các cơ quan tỉnh",
        "Đảng ủy Khối các cơ quan tỉnh",
        Sector.ADMINISTRATIVE,
        D(1955, 6, 1),
    )
    n = 0
    for unit, profile, cells in PROVINCIAL_AGENCY_COMMITTEES:
        n += 1
        sector = Sector.ADMINISTRATIVE if profile == "admin" else Sector.PUBLIC_SERVICE
        if profile in ("school", "college"):
            sector = Sector.SCHOOL
        b.grassroots(
            agencies_block,
            f"VP-KCQ-{n:03d}",
            f"Đảng bộ {unit}",
            sector,
            profile,
            _date_in(rng, 1955, 1995, agencies_block.established_on),
            cells,
        )
    for unit, profile in PROVINCIAL_AGENCY_CELLS:
        n += 1
        sector = Sector.ADMINISTRATIVE if profile == "admin" else Sector.PUBLIC_SERVICE
        if profile in ("school", "college"):
            sector = Sector.SCHOOL
        b.grassroots(
            agencies_block,
            f"VP-KCQ-{n:03d}",
            f"Chi bộ {unit}",
            sector,
            profile,
            _date_in(rng, 1960, 2005, agencies_block.established_on),
            None,
        )

    enterprises_block = _block(
        b,
        province,
        "VP-KDN",
        "Đảng bộ Khối doanh nghiệp tỉnh",
        "Đảng ủy Khối doanh nghiệp tỉnh",
        Sector.OTHER,
        D(1976, 3, 1),
    )
    n = 0
    for unit, cells in STATE_ENTERPRISE_COMMITTEES:
        n += 1
        b.grassroots(
            enterprises_block,
            f"VP-KDN-{n:03d}",
            f"Đảng bộ {unit}",
            Sector.STATE_ENTERPRISE,
            "enterprise",
            _date_in(rng, 1976, 1995),
            cells,
        )
    for unit in STATE_ENTERPRISE_CELLS:
        n += 1
        b.grassroots(
            enterprises_block,
            f"VP-KDN-{n:03d}",
            f"Chi bộ {unit}",
            Sector.STATE_ENTERPRISE,
            "enterprise",
            _date_in(rng, 1976, 2000),
            None,
        )
    province_places = tuple(p for spec in DISTRICTS for p in spec[6] + spec[7] + spec[8])
    while n < 30:
        n += 1
        b.enterprise(
            enterprises_block,
            f"VP-KDN-{n:03d}",
            Sector.PRIVATE_ENTERPRISE if n % 3 else Sector.FDI_ENTERPRISE,
            province_places,
        )

    military = _block(
        b,
        province,
        "VP-QS",
        "Đảng bộ Quân sự tỉnh",
        "Đảng ủy Quân sự tỉnh",
        Sector.MILITARY,
        D(1950, 3, 1),
    )
    for n, (unit, cells) in enumerate(MILITARY_COMMITTEES, 1):
        b.grassroots(
            military,
            f"VP-QS-{n:03d}",
            f"Đảng bộ {unit}",
            Sector.MILITARY,
            "military",
            _date_in(rng, 1950, 1975),
            cells,
            weight=2.0,
        )
    for n, unit in enumerate(MILITARY_CELLS, len(MILITARY_COMMITTEES) + 1):
        b.grassroots(
            military,
            f"VP-QS-{n:03d}",
            f"Chi bộ {unit}",
            Sector.MILITARY,
            "military",
            _date_in(rng, 1950, 1990),
            None,
            weight=1.5,
        )

    police = _block(
        b,
        province,
        "VP-CA",
        "Đảng bộ Công an tỉnh",
        "Đảng ủy Công an tỉnh",
        Sector.POLICE,
        D(1950, 3, 1),
    )
    for n, (unit, cells) in enumerate(POLICE_COMMITTEES, 1):
        b.grassroots(
            police,
            f"VP-CA-{n:03d}",
            f"Đảng bộ {unit}",
            Sector.POLICE,
            "police",
            _date_in(rng, 1950, 1990),
            cells,
        )
    for n, unit in enumerate(POLICE_CELLS, len(POLICE_COMMITTEES) + 1):
        b.grassroots(
            police,
            f"VP-CA-{n:03d}",
            f"Chi bộ {unit}",
            Sector.POLICE,
            "police",
            _date_in(rng, 1950, 2005),
            None,
        )

    zones = _block(
        b,
        province,
        "VP-KCN",
        "Đảng bộ Các khu công nghiệp tỉnh",
        "Đảng ủy Các khu công nghiệp tỉnh",
        Sector.OTHER,
        D(2008, 6, 1),
    )
    for n in range(1, 21):
        sector = Sector.FDI_ENTERPRISE if n % 4 else Sector.PRIVATE_ENTERPRISE
        b.enterprise(zones, f"VP-KCN-{n:03d}", sector, province_places, 3 if n <= 5 else None)

    _restructure(b, districts, agencies, militaries, zones, enterprises_block)

    non_village_cells = sum(1 for o in _walk(province) if o.kind == K.CELL and o.closed_on is None)
    _add_villages(b, communes, ACTIVE_CELLS - non_village_cells)

    orgs = list(_walk(province))
    _number(province)
    _check_shape(orgs, communes, militaries)
    uppers = {o.code: o for o in province.children}
    return Tree(province, orgs, b.events, communes, uppers)


def _restructure(b, districts, agencies, militaries, zones, enterprises_block):
    """The article's restructuring, dated within term XVI (before 08/10/2020)."""
    rng = b.rng
    event = OrganizationEventKind
    military_days = {}
    for i, district in enumerate(districts):
        agency_day = D(2018, 3 + i, 1)
        military_day = D(2019, 2 + i, 1)
        for cell in agencies:
            if cell.district is district:
                on = agency_day + datetime.timedelta(days=rng.randint(0, 20))
                cell.close(on, Closure.DISSOLVED)
                b.events.append(
                    (cell, event.DISSOLVED, on, None, "", "", b.decision(district.suffix, 2018))
                )
        military_days[district.code] = military_day
    kept = len(militaries) - COMMUNE_MILITARY_CELLS_DISSOLVED
    keep = set(rng.sample(range(len(militaries)), kept))
    for j, cell in enumerate(militaries):
        if j in keep:
            continue
        on = military_days[cell.district.code] + datetime.timedelta(days=rng.randint(0, 20))
        cell.close(on, Closure.DISSOLVED)
        b.events.append(
            (cell, event.DISSOLVED, on, None, "", "", b.decision(cell.district.suffix, 2019))
        )

    # The industrial zones' committee merges into the enterprises' block: its grassroots
    # organizations move under the successor, which keeps them in today's tree.
    decision = b.decision("TU", MERGER_DATE.year)
    zones.close(MERGER_DATE, Closure.MERGED, enterprises_block)
    b.events.append((zones, event.MERGED_INTO, MERGER_DATE, enterprises_block, "", "", decision))
    b.events.append((enterprises_block, event.ABSORBED, MERGER_DATE, zones, "", "", decision))
    for child in zones.children:
        child.former_parent = zones
        child.parent = enterprises_block
        enterprises_block.children.append(child)
        b.events.append(
            (
                child,
                event.MOVED,
                MERGER_DATE,
                zones,
                zones.name,
                enterprises_block.name,
                decision,
            )
        )
    zones.children = []


def _walk(org):
    yield org
    for child in org.children:
        yield from _walk(child)


def _number(province):
    """Primary keys in path order and treebeard's materialized paths (steplen 4)."""
    from ..models import Organization

    pk = 0

    def visit(org, parent_path, depth, index):
        nonlocal pk
        pk += 1
        org.pk = pk
        org.depth = depth
        org.path = Organization._get_path(parent_path, depth, index)
        for i, child in enumerate(org.children, 1):
            visit(child, org.path, depth + 1, i)

    visit(province, None, 1, 1)


def _check_shape(orgs, communes, militaries):
    """Fail early if a change of the catalogs breaks the article's figures."""
    active = [o for o in orgs if o.closed_on is None]
    figures = {
        "grassroots": (
            sum(1 for o in active if o.kind in (K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL)),
            ACTIVE_GRASSROOTS,
        ),
        "communes": (len(communes), COMMUNE_LEVEL_GRASSROOTS),
        "cells": (sum(1 for o in active if o.kind == K.CELL), ACTIVE_CELLS),
        "military cells dissolved": (
            sum(1 for m in militaries if m.closed_on),
            COMMUNE_MILITARY_CELLS_DISSOLVED,
        ),
    }
    wrong = {k: v for k, v in figures.items() if v[0] != v[1]}
    late = [o for o in orgs if o.parent and o.established_on < o.parent.established_on]
    if wrong or late:
        raise RuntimeError(f"demo tree does not match the article: {wrong} {late[:3]}")

"""Enumerations of the members app: English values, Vietnamese labels through gettext."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    PROVINCE = "PROVINCE", _("Provincial Party organization")
    UPPER = "UPPER", _("Committee directly under the provincial committee")
    GRASSROOTS_COMMITTEE = "GRASSROOTS_COMMITTEE", _("Grassroots Party committee")
    GRASSROOTS_CELL = "GRASSROOTS_CELL", _("Grassroots Party cell")
    SUB_COMMITTEE = "SUB_COMMITTEE", _("Sub-committee")
    CELL = "CELL", _("Party cell")


K = OrganizationKind

# The one table of which kinds may sit under which. No code assumes a fixed number of
# levels: since the 2025 reform grassroots organizations may sit directly under the province.
ALLOWED_CHILD_KINDS: dict[str, frozenset[str]] = {
    K.PROVINCE: frozenset({K.UPPER, K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL}),
    K.UPPER: frozenset({K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL}),
    K.GRASSROOTS_COMMITTEE: frozenset({K.SUB_COMMITTEE, K.CELL}),
    K.SUB_COMMITTEE: frozenset({K.CELL}),
    K.GRASSROOTS_CELL: frozenset(),
    K.CELL: frozenset(),
}
ROOT_KINDS = frozenset({K.PROVINCE})
GRASSROOTS_KINDS = frozenset({K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL})
# Members attach to these kinds only.
CELL_KINDS = frozenset({K.GRASSROOTS_CELL, K.CELL})


class Sector(models.TextChoices):
    DISTRICT = "DISTRICT", _("District, town or city")
    COMMUNE = "COMMUNE", _("Commune")
    WARD = "WARD", _("Ward")
    TOWNSHIP = "TOWNSHIP", _("Township")
    STATE_ENTERPRISE = "STATE_ENTERPRISE", _("State-owned enterprise")
    PRIVATE_ENTERPRISE = "PRIVATE_ENTERPRISE", _("Non-state enterprise")
    FDI_ENTERPRISE = "FDI_ENTERPRISE", _("Foreign-invested enterprise")
    PUBLIC_SERVICE = "PUBLIC_SERVICE", _("Public service unit")
    ADMINISTRATIVE = "ADMINISTRATIVE", _("Administrative agency")
    MILITARY = "MILITARY", _("Military")
    POLICE = "POLICE", _("Police")
    VILLAGE = "VILLAGE", _("Village or residential group")
    COMMUNE_AGENCY = "COMMUNE_AGENCY", _("Commune agency cell")
    COMMUNE_MILITARY = "COMMUNE_MILITARY", _("Commune military cell")
    SCHOOL = "SCHOOL", _("School")
    OTHER = "OTHER", _("Other")


class Closure(models.TextChoices):
    MERGED = "MERGED", _("Merged")
    DISSOLVED = "DISSOLVED", _("Dissolved")


class Gender(models.TextChoices):
    MALE = "MALE", _("Male")
    FEMALE = "FEMALE", _("Female")


class Ethnicity(models.TextChoices):
    """The 54 ethnic groups recognized in Vietnam (General Statistics Office list)."""

    KINH = "KINH", _("Kinh")
    TAY = "TAY", _("Tày")
    THAI = "THAI", _("Thái")
    HOA = "HOA", _("Hoa")
    KHMER = "KHMER", _("Khơ-me")
    MUONG = "MUONG", _("Mường")
    NUNG = "NUNG", _("Nùng")
    HMONG = "HMONG", _("Mông")
    DAO = "DAO", _("Dao")
    GIA_RAI = "GIA_RAI", _("Gia-rai")
    NGAI = "NGAI", _("Ngái")
    E_DE = "E_DE", _("Ê-đê")
    BA_NA = "BA_NA", _("Ba-na")
    XO_DANG = "XO_DANG", _("Xơ-đăng")
    SAN_CHAY = "SAN_CHAY", _("Sán Chay")
    CO_HO = "CO_HO", _("Cơ-ho")
    CHAM = "CHAM", _("Chăm")
    SAN_DIU = "SAN_DIU", _("Sán Dìu")
    HRE = "HRE", _("Hrê")
    MNONG = "MNONG", _("Mnông")
    RA_GLAI = "RA_GLAI", _("Ra-glai")
    XTIENG = "XTIENG", _("Xtiêng")
    BRU_VAN_KIEU = "BRU_VAN_KIEU", _("Bru-Vân Kiều")
    THO = "THO", _("Thổ")
    GIAY = "GIAY", _("Giáy")
    CO_TU = "CO_TU", _("Cơ-tu")
    GIE_TRIENG = "GIE_TRIENG", _("Gié-Triêng")
    MA = "MA", _("Mạ")
    KHO_MU = "KHO_MU", _("Khơ-mú")
    CO = "CO", _("Co")
    TA_OI = "TA_OI", _("Tà-ôi")
    CHO_RO = "CHO_RO", _("Chơ-ro")
    KHANG = "KHANG", _("Kháng")
    XINH_MUN = "XINH_MUN", _("Xinh-mun")
    HA_NHI = "HA_NHI", _("Hà Nhì")
    CHU_RU = "CHU_RU", _("Chu-ru")
    LAO = "LAO", _("Lào")
    LA_CHI = "LA_CHI", _("La Chí")
    LA_HA = "LA_HA", _("La Ha")
    PHU_LA = "PHU_LA", _("Phù Lá")
    LA_HU = "LA_HU", _("La Hủ")
    LU = "LU", _("Lự")
    LO_LO = "LO_LO", _("Lô Lô")
    CHUT = "CHUT", _("Chứt")
    MANG = "MANG", _("Mảng")
    PA_THEN = "PA_THEN", _("Pà Thẻn")
    CO_LAO = "CO_LAO", _("Cơ Lao")
    CONG = "CONG", _("Cống")
    BO_Y = "BO_Y", _("Bố Y")
    SI_LA = "SI_LA", _("Si La")
    PU_PEO = "PU_PEO", _("Pu Péo")
    BRAU = "BRAU", _("Brâu")
    O_DU = "O_DU", _("Ơ Đu")
    RO_MAM = "RO_MAM", _("Rơ-măm")


class Religion(models.TextChoices):
    NONE = "NONE", _("None")
    BUDDHISM = "BUDDHISM", _("Buddhism")
    CATHOLICISM = "CATHOLICISM", _("Catholicism")
    PROTESTANTISM = "PROTESTANTISM", _("Protestantism")
    CAO_DAI = "CAO_DAI", _("Cao Dai")
    HOA_HAO = "HOA_HAO", _("Hoa Hao Buddhism")
    ISLAM = "ISLAM", _("Islam")
    OTHER = "OTHER", _("Other")


class GeneralEducation(models.TextChoices):
    PRIMARY = "PRIMARY", _("Primary school")
    LOWER_SECONDARY = "LOWER_SECONDARY", _("Lower secondary school")
    UPPER_SECONDARY = "UPPER_SECONDARY", _("Upper secondary school")


class Qualification(models.TextChoices):
    NONE = "NONE", _("None")
    VOCATIONAL = "VOCATIONAL", _("Vocational")
    COLLEGE = "COLLEGE", _("College")
    BACHELOR = "BACHELOR", _("University")
    MASTER = "MASTER", _("Master")
    DOCTORATE = "DOCTORATE", _("Doctorate")


class PoliticalTheory(models.TextChoices):
    NONE = "NONE", _("None")
    ELEMENTARY = "ELEMENTARY", _("Elementary")
    INTERMEDIATE = "INTERMEDIATE", _("Intermediate")
    ADVANCED = "ADVANCED", _("Advanced")
    BACHELOR = "BACHELOR", _("Bachelor of political theory")


class OccupationGroup(models.TextChoices):
    FARMER = "FARMER", _("Farmer")
    WORKER = "WORKER", _("Worker")
    CIVIL_SERVANT = "CIVIL_SERVANT", _("Civil servant")
    PUBLIC_EMPLOYEE = "PUBLIC_EMPLOYEE", _("Public employee")
    TEACHER = "TEACHER", _("Teacher")
    HEALTH_WORKER = "HEALTH_WORKER", _("Health worker")
    STUDENT = "STUDENT", _("Pupil or student")
    ARMED_FORCES = "ARMED_FORCES", _("Armed forces")
    POLICE = "POLICE", _("Police")
    BUSINESS_OWNER = "BUSINESS_OWNER", _("Private business owner")
    ENTERPRISE_EMPLOYEE = "ENTERPRISE_EMPLOYEE", _("Enterprise employee")
    RETIRED = "RETIRED", _("Retired")
    OTHER = "OTHER", _("Other")


class MemberStatus(models.TextChoices):
    PROBATIONARY = "PROBATIONARY", _("Probationary member")
    OFFICIAL = "OFFICIAL", _("Official member")
    REMOVED = "REMOVED", _("Removed")
    DECEASED = "DECEASED", _("Deceased")
    TRANSFERRED_OUT = "TRANSFERRED_OUT", _("Transferred out of the province")


ACTIVE_STATUSES = frozenset({MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL})


class EventKind(models.TextChoices):
    ADMISSION = "ADMISSION", _("Admission")
    OFFICIAL_RECOGNITION = "OFFICIAL_RECOGNITION", _("Official recognition")
    TRANSFER_IN = "TRANSFER_IN", _("Transfer in")
    TRANSFER_OUT = "TRANSFER_OUT", _("Transfer out")
    REMOVAL = "REMOVAL", _("Removal")
    DEATH = "DEATH", _("Death")
    EXEMPTION_START = "EXEMPTION_START", _("Exemption from activities starts")
    EXEMPTION_END = "EXEMPTION_END", _("Exemption from activities ends")


# Events that open or close a placement; reconciliation adds and subtracts these.
EVENTS_IN = frozenset({EventKind.ADMISSION, EventKind.TRANSFER_IN})
EVENTS_OUT = frozenset({EventKind.TRANSFER_OUT, EventKind.REMOVAL, EventKind.DEATH})


class TransferKind(models.TextChoices):
    WITHIN = "WITHIN", _("Within the province")
    IN_FROM_OUTSIDE = "IN_FROM_OUTSIDE", _("In from outside the province")
    OUT_OF_PROVINCE = "OUT_OF_PROVINCE", _("Out of the province")


class TransferReason(models.TextChoices):
    REQUEST = "REQUEST", _("Move of work or residence")
    MERGER = "MERGER", _("Merger of organizations")
    DISSOLUTION = "DISSOLUTION", _("Dissolution of an organization")


class OrganizationEventKind(models.TextChoices):
    ESTABLISHED = "ESTABLISHED", _("Established")
    RENAMED = "RENAMED", _("Renamed")
    MOVED = "MOVED", _("Moved")
    MERGED_INTO = "MERGED_INTO", _("Merged into another organization")
    ABSORBED = "ABSORBED", _("Took in a merged organization")
    DISSOLVED = "DISSOLVED", _("Dissolved")


class StaffRole(models.TextChoices):
    STAFF = "STAFF", _("Staff (read and write)")
    LEADER = "LEADER", _("Leader (read only)")

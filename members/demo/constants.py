"""The figures the demo province reproduces (DESIGN.md section 6) and the dates it is built on.

The article of 08/10/2020 about the Party organization of Vĩnh Phúc is the reference: 13
committees under the provincial committee after a merger (14 before), 617 grassroots
organizations, about 3,100 cells, nearly 70,000 members and 2,389 admissions a year on
average over term XVI against a congress target of 2,300.
"""

import datetime

ARTICLE_DATE = datetime.date(2020, 10, 8)

# Congress terms of the provincial organization, as (name, first year, last year).
TERM_XVI = ("XVI", 2016, 2020)
TERM_XVII = ("XVII", 2021, 2025)

DEFAULT_SEED = 20201008
DEFAULT_MEMBERS = 70_000
DEFAULT_PASSWORD = "dangvien"
BATCH_SIZE = 5_000

# Structure at the article date (and today: the 2025 reform is not modeled).
UPPER_COMMITTEES_BEFORE_MERGER = 14
UPPER_COMMITTEES_AFTER_MERGER = 13
ACTIVE_GRASSROOTS = 617
COMMUNE_LEVEL_GRASSROOTS = 137  # 112 communes, 15 wards, 10 towns
ACTIVE_CELLS = 3_100
COMMUNE_MILITARY_CELLS_DISSOLVED = 126
MERGER_DATE = datetime.date(2018, 7, 1)

# Admissions (ADMISSION events by decision date) at the default size of 70,000 members;
# every figure scales with --members. Term XVI averages exactly 2,389 a year.
TERM_XVI_ADMISSIONS = 11_945
TERM_XVI_YEAR_SHARES = {2016: 2_350, 2017: 2_405, 2018: 2_418, 2019: 2_391, 2020: 2_381}
# Term XVII's target is at least 2,000 a year; the demo stays above it.
TERM_XVII_TARGET = 2_000
TERM_XVII_ADMISSIONS = {2021: 2_146, 2022: 2_172, 2023: 2_158, 2024: 2_181, 2025: 2_163}
CURRENT_YEAR_PACE = 2_150  # admissions a year after term XVII, pro rata to today
# Admissions before term XVI rose from about 1,350 (1990) to 2,250 (2015); older
# admissions are drawn until the province has the requested number of members.
EARLY_ADMISSIONS = (1990, 1_350, 2015, 2_250)
# Members received from other provinces a year, from RECORDS_FROM on.
TRANSFERS_IN_PER_YEAR = 120

# Member records begin with the members alive in the province on this date: earlier
# deaths and departures are not in the data (old paper records were not digitized).
RECORDS_FROM = datetime.date(2000, 1, 1)
# Admissions before this date are marked as entered from paper records.
HISTORICAL_BEFORE = datetime.date(2000, 1, 1)

PROVINCE_CODE = "VP"
VINH_YEN_CODE = "VP-VY"
LAP_THACH_CODE = "VP-LT"

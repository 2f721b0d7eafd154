"""Names of the demo province's organizations: districts, communes, agencies, units.

Place names are those of Vĩnh Phúc around 2020 (simplified); enterprise names are made up.
Lists are written as "a; b; c" strings to keep the catalog short.
"""

from ..choices import Sector
from .constants import LAP_THACH_CODE, VINH_YEN_CODE


def names(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(";") if item.strip())


# (code, committee, place, short name, decision suffix, grassroots besides the communes,
#  wards, towns, communes)
DISTRICTS = (
    (
        VINH_YEN_CODE,
        "Thành ủy Vĩnh Yên",
        "thành phố Vĩnh Yên",
        "Vĩnh Yên",
        "TU",
        40,
        names("Đống Đa; Đồng Tâm; Hội Hợp; Khai Quang; Liên Bảo; Ngô Quyền; Tích Sơn"),
        names(""),
        names("Định Trung; Thanh Trù"),
    ),
    (
        "VP-PY",
        "Thành ủy Phúc Yên",
        "thành phố Phúc Yên",
        "Phúc Yên",
        "TU",
        36,
        names(
            "Hùng Vương; Nam Viêm; Phúc Thắng; Tiền Châu; Trưng Nhị; Trưng Trắc; Xuân Hòa; "
            "Đồng Xuân"
        ),
        names(""),
        names("Cao Minh; Ngọc Thanh"),
    ),
    (
        "VP-BX",
        "Huyện ủy Bình Xuyên",
        "huyện Bình Xuyên",
        "Bình Xuyên",
        "HU",
        42,
        names(""),
        names("Hương Canh; Thanh Lãng"),
        names(
            "Bá Hiến; Đạo Đức; Gia Khánh; Hương Sơn; Phú Xuân; Quất Lưu; Sơn Lôi; Tam Hợp; "
            "Tân Phong; Thiện Kế; Trung Mỹ"
        ),
    ),
    (
        LAP_THACH_CODE,
        "Huyện ủy Lập Thạch",
        "huyện Lập Thạch",
        "Lập Thạch",
        "HU",
        30,
        names(""),
        names("Lập Thạch; Hoa Sơn"),
        names(
            "Bắc Bình; Bàn Giản; Đình Chu; Đồng Ích; Hợp Lý; Liên Hòa; Liễn Sơn; Ngọc Mỹ; "
            "Quang Sơn; Sơn Đông; Thái Hòa; Tiên Lữ; Triệu Đề; Tử Du; Vân Trục; Văn Quán; "
            "Xuân Hòa; Xuân Lôi"
        ),
    ),
    (
        "VP-SL",
        "Huyện ủy Sông Lô",
        "huyện Sông Lô",
        "Sông Lô",
        "HU",
        26,
        names(""),
        names("Tam Sơn"),
        names(
            "Bạch Lưu; Cao Phong; Đôn Nhân; Đồng Quế; Đồng Thịnh; Đức Bác; Hải Lựu; Lãng "
            "Công; Nhân Đạo; Nhạo Sơn; Như Thụy; Phương Khoan; Quang Yên; Tân Lập; Tứ Yên; "
            "Yên Thạch"
        ),
    ),
    (
        "VP-TDU",
        "Huyện ủy Tam Dương",
        "huyện Tam Dương",
        "Tam Dương",
        "HU",
        30,
        names(""),
        names("Hợp Hòa"),
        names(
            "An Hòa; Duy Phiên; Đạo Tú; Đồng Tĩnh; Hoàng Đan; Hoàng Hoa; Hoàng Lâu; Hợp "
            "Thịnh; Hướng Đạo; Kim Long; Thanh Vân; Vân Hội"
        ),
    ),
    (
        "VP-TDA",
        "Huyện ủy Tam Đảo",
        "huyện Tam Đảo",
        "Tam Đảo",
        "HU",
        27,
        names(""),
        names("Tam Đảo"),
        names("Bồ Lý; Đại Đình; Đạo Trù; Hồ Sơn; Hợp Châu; Minh Quang; Tam Quan; Yên Dương"),
    ),
    (
        "VP-VT",
        "Huyện ủy Vĩnh Tường",
        "huyện Vĩnh Tường",
        "Vĩnh Tường",
        "HU",
        34,
        names(""),
        names("Vĩnh Tường; Thổ Tang"),
        names(
            "An Tường; Bình Dương; Bồ Sao; Cao Đại; Chấn Hưng; Đại Đồng; Kim Xá; Lũng Hòa; Lý "
            "Nhân; Nghĩa Hưng; Ngũ Kiên; Phú Đa; Phú Thịnh; Tam Phúc; Tân Cương; Tân Phú; Tân "
            "Tiến; Thượng Trưng; Tuân Chính; Vân Xuân; Việt Xuân; Vĩnh Ninh; Vĩnh Sơn; Vĩnh "
            "Thịnh; Vũ Di; Yên Bình; Yên Lập"
        ),
    ),
    (
        "VP-YL",
        "Huyện ủy Yên Lạc",
        "huyện Yên Lạc",
        "Yên Lạc",
        "HU",
        30,
        names(""),
        names("Yên Lạc"),
        names(
            "Bình Định; Đại Tự; Đồng Cương; Đồng Văn; Hồng Châu; Hồng Phương; Liên Châu; "
            "Nguyệt Đức; Tam Hồng; Tề Lỗ; Trung Hà; Trung Kiên; Trung Nguyên; Văn Tiến; Yên "
            "Đồng; Yên Phương"
        ),
    ),
)
# Units every district has: (name template, sector, profile, cells or None for a
# grassroots cell, founded between). {place} is "huyện Lập Thạch", {committee} "Huyện ủy".
DISTRICT_UNITS = (
    (
        "Đảng bộ Cơ quan Chính quyền {place}",
        Sector.ADMINISTRATIVE,
        "admin",
        names(
            "Văn phòng HĐND và UBND; Phòng Tài chính - Kế hoạch; Phòng Nội vụ; Phòng Tài nguyên "
            "và Môi trường; Phòng Kinh tế; Phòng Giáo dục và Đào tạo; Phòng Lao động - Thương "
            "binh và Xã hội; Phòng Tư pháp; Thanh tra; Phòng Văn hóa và Thông tin"
        ),
        (1950, 1960),
    ),
    (
        "Đảng bộ Khối Đảng, Mặt trận và các đoàn thể {place}",
        Sector.ADMINISTRATIVE,
        "admin",
        names(
            "Văn phòng {committee}; Ban Tổ chức {committee}; Ban Tuyên giáo {committee}; Ủy ban "
            "Kiểm tra {committee}; Mặt trận Tổ quốc và các đoàn thể; Trung tâm Chính trị"
        ),
        (1950, 1960),
    ),
    (
        "Đảng bộ Công an {place}",
        Sector.POLICE,
        "police",
        names(
            "Đội An ninh; Đội Cảnh sát hình sự; Đội Cảnh sát giao thông - trật tự; Đội Cảnh sát "
            "điều tra tội phạm về kinh tế và ma túy; Đội Cảnh sát quản lý hành chính; Đội Tham "
            "mưu - Tổng hợp"
        ),
        (1950, 1965),
    ),
    (
        "Đảng bộ Quân sự {place}",
        Sector.MILITARY,
        "military",
        names("Ban Tham mưu; Ban Chính trị - Hậu cần; Trung đội Dân quân cơ động"),
        (1950, 1965),
    ),
    (
        "Đảng bộ Trung tâm Y tế {place}",
        Sector.PUBLIC_SERVICE,
        "health",
        names(
            "Khoa Khám bệnh; Khoa Nội - Nhi; Khoa Ngoại - Sản; Khoa Kiểm soát bệnh tật; Phòng "
            "Hành chính - Tổng hợp"
        ),
        (1960, 1985),
    ),
    ("Chi bộ Tòa án nhân dân {place}", Sector.ADMINISTRATIVE, "admin", None, (1960, 1985)),
    ("Chi bộ Viện Kiểm sát nhân dân {place}", Sector.ADMINISTRATIVE, "admin", None, (1960, 1985)),
    (
        "Chi bộ Chi cục Thi hành án dân sự {place}",
        Sector.ADMINISTRATIVE,
        "admin",
        None,
        (1985, 1995),
    ),
    ("Chi bộ Chi cục Thuế {place}", Sector.ADMINISTRATIVE, "admin", None, (1975, 1992)),
    ("Chi bộ Kho bạc Nhà nước {place}", Sector.ADMINISTRATIVE, "admin", None, (1985, 1992)),
    ("Chi bộ Chi cục Thống kê {place}", Sector.ADMINISTRATIVE, "admin", None, (1965, 1985)),
    ("Chi bộ Bảo hiểm xã hội {place}", Sector.PUBLIC_SERVICE, "public", None, (1995, 1998)),
    (
        "Chi bộ Ngân hàng Chính sách xã hội {place}",
        Sector.STATE_ENTERPRISE,
        "enterprise",
        None,
        (2003, 2005),
    ),
    (
        "Chi bộ Ngân hàng Nông nghiệp và Phát triển nông thôn {place}",
        Sector.STATE_ENTERPRISE,
        "enterprise",
        None,
        (1988, 1995),
    ),
    ("Chi bộ Điện lực {place}", Sector.STATE_ENTERPRISE, "enterprise", None, (1970, 1990)),
    ("Chi bộ Bưu điện {place}", Sector.STATE_ENTERPRISE, "enterprise", None, (1960, 1980)),
    (
        "Chi bộ Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {place}",
        Sector.SCHOOL,
        "school",
        None,
        (1975, 1995),
    ),
    (
        "Chi bộ Trung tâm Văn hóa, Thông tin và Thể thao {place}",
        Sector.PUBLIC_SERVICE,
        "public",
        None,
        (1965, 1990),
    ),
    (
        "Chi bộ Ban Quản lý dự án đầu tư xây dựng {place}",
        Sector.PUBLIC_SERVICE,
        "public",
        None,
        (1995, 2008),
    ),
    (
        "Chi bộ Trung tâm Dịch vụ nông nghiệp {place}",
        Sector.PUBLIC_SERVICE,
        "public",
        None,
        (1970, 1990),
    ),
)
# Grassroots committees of the provincial agencies' block: (unit, profile, cells).
PROVINCIAL_AGENCY_COMMITTEES = (
    ("Văn phòng Tỉnh ủy", "admin", names("Phòng Tổng hợp; Phòng Hành chính; Phòng Tài chính")),
    ("Văn phòng UBND tỉnh", "admin", names("Phòng Tổng hợp; Phòng Kinh tế; Phòng Khoa giáo")),
    ("Sở Giáo dục và Đào tạo", "admin", names("Văn phòng; Phòng Giáo dục phổ thông; Thanh tra")),
    ("Sở Y tế", "admin", names("Văn phòng; Phòng Nghiệp vụ; Chi cục Dân số")),
    (
        "Sở Nông nghiệp và Phát triển nông thôn",
        "admin",
        names("Văn phòng; Chi cục Thủy lợi; Chi cục Kiểm lâm; Chi cục Chăn nuôi và Thú y"),
    ),
    ("Sở Tài nguyên và Môi trường", "admin", names("Văn phòng; Chi cục Bảo vệ môi trường")),
    ("Sở Giao thông Vận tải", "admin", names("Văn phòng; Thanh tra giao thông")),
    ("Sở Xây dựng", "admin", names("Văn phòng; Thanh tra xây dựng")),
    (
        "Sở Lao động - Thương binh và Xã hội",
        "admin",
        names("Văn phòng; Trung tâm Bảo trợ xã hội; Trung tâm Điều dưỡng người có công"),
    ),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        "public",
        names("Văn phòng; Bảo tàng tỉnh; Thư viện tỉnh; Trung tâm Huấn luyện thể thao"),
    ),
    ("Sở Kế hoạch và Đầu tư", "admin", names("Văn phòng; Phòng Đăng ký kinh doanh")),
    ("Sở Tài chính", "admin", names("Văn phòng; Phòng Quản lý ngân sách")),
    ("Sở Công Thương", "admin", names("Văn phòng; Trung tâm Khuyến công")),
    (
        "Sở Nội vụ",
        "admin",
        names("Văn phòng; Ban Thi đua - Khen thưởng; Chi cục Văn thư - Lưu trữ"),
    ),
    (
        "Cục Thuế tỉnh",
        "admin",
        names("Văn phòng; Phòng Kiểm tra thuế; Phòng Thanh tra thuế; Phòng Tuyên truyền"),
    ),
    ("Kho bạc Nhà nước tỉnh", "admin", names("Văn phòng; Phòng Kế toán nhà nước")),
    ("Bảo hiểm xã hội tỉnh", "public", names("Văn phòng; Phòng Thu; Phòng Chế độ")),
    ("Tòa án nhân dân tỉnh", "admin", names("Văn phòng; Tòa Hình sự")),
    ("Viện Kiểm sát nhân dân tỉnh", "admin", names("Văn phòng; Phòng Kiểm sát án hình sự")),
    ("Cục Thi hành án dân sự tỉnh", "admin", names("Văn phòng; Phòng Nghiệp vụ")),
    (
        "Bệnh viện Đa khoa tỉnh",
        "health",
        names(
            "Khoa Nội; Khoa Ngoại; Khoa Hồi sức cấp cứu; Khoa Chẩn đoán hình ảnh; Khoa Khám bệnh; "
            "Phòng Kế hoạch tổng hợp"
        ),
    ),
    (
        "Bệnh viện Sản - Nhi",
        "health",
        names("Khoa Sản; Khoa Nhi; Khoa Sơ sinh; Phòng Tổ chức - Hành chính"),
    ),
    (
        "Trường Cao đẳng Vĩnh Phúc",
        "college",
        names("Khoa Sư phạm; Khoa Kinh tế; Phòng Đào tạo; Chi bộ Sinh viên"),
    ),
    ("Trường Chính trị tỉnh", "school", names("Khoa Lý luận cơ sở; Khoa Xây dựng Đảng")),
    ("Đài Phát thanh và Truyền hình tỉnh", "public", names("Phòng Thời sự; Phòng Kỹ thuật")),
    ("Báo Vĩnh Phúc", "public", names("Ban Thư ký tòa soạn; Ban Phóng viên")),
    ("Ban Quản lý các khu công nghiệp", "admin", names("Văn phòng; Phòng Quản lý doanh nghiệp")),
    (
        "Trường Cao đẳng Kinh tế - Kỹ thuật",
        "college",
        names("Khoa Cơ khí; Khoa Điện; Chi bộ Học sinh - Sinh viên"),
    ),
    (
        "Trung tâm Kiểm soát bệnh tật tỉnh",
        "health",
        names("Khoa Phòng chống bệnh truyền nhiễm; Khoa Xét nghiệm"),
    ),
    ("Sở Thông tin và Truyền thông", "admin", names("Văn phòng; Trung tâm Công nghệ thông tin")),
)
PROVINCIAL_AGENCY_CELLS = (
    ("Ban Tổ chức Tỉnh ủy", "admin"),
    ("Ban Tuyên giáo Tỉnh ủy", "admin"),
    ("Ban Dân vận Tỉnh ủy", "admin"),
    ("Ban Nội chính Tỉnh ủy", "admin"),
    ("Cơ quan Ủy ban Kiểm tra Tỉnh ủy", "admin"),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "admin"),
    ("Sở Tư pháp", "admin"),
    ("Sở Khoa học và Công nghệ", "admin"),
    ("Sở Ngoại vụ", "admin"),
    ("Thanh tra tỉnh", "admin"),
    ("Ban Dân tộc tỉnh", "admin"),
    ("Cục Thống kê tỉnh", "admin"),
    ("Cục Quản lý thị trường tỉnh", "admin"),
    ("Ngân hàng Nhà nước chi nhánh tỉnh", "admin"),
    ("Cơ quan Ủy ban Mặt trận Tổ quốc tỉnh", "admin"),
    ("Cơ quan Tỉnh đoàn", "admin"),
    ("Cơ quan Hội Liên hiệp Phụ nữ tỉnh", "admin"),
    ("Cơ quan Hội Nông dân tỉnh", "admin"),
    ("Cơ quan Hội Cựu chiến binh tỉnh", "admin"),
    ("Cơ quan Liên đoàn Lao động tỉnh", "admin"),
    ("Liên minh Hợp tác xã tỉnh", "admin"),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "public"),
    ("Hội Chữ thập đỏ tỉnh", "public"),
    ("Hội Văn học Nghệ thuật tỉnh", "public"),
    ("Trường THPT Chuyên Vĩnh Phúc", "school"),
    ("Bệnh viện Y dược cổ truyền tỉnh", "health"),
    ("Bệnh viện Phục hồi chức năng tỉnh", "health"),
    ("Bệnh viện Tâm thần tỉnh", "health"),
    ("Trung tâm Pháp y tỉnh", "health"),
    ("Trung tâm Giám định y khoa tỉnh", "health"),
    ("Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, thực phẩm", "health"),
    ("Trường Trung cấp Y tế", "school"),
    ("Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp", "public"),
    ("Ban Quản lý dự án đầu tư xây dựng các công trình giao thông", "public"),
    ("Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp", "public"),
    ("Quỹ Đầu tư phát triển tỉnh", "public"),
    ("Trung tâm Xúc tiến đầu tư", "public"),
    ("Trung tâm Phục vụ hành chính công", "admin"),
    ("Văn phòng Điều phối chương trình nông thôn mới", "admin"),
    ("Vườn quốc gia Tam Đảo", "public"),
    ("Trung tâm Khuyến nông", "public"),
    ("Trung tâm Dịch vụ việc làm", "public"),
    ("Trung tâm Phát triển quỹ đất tỉnh", "public"),
    ("Trung tâm Kỹ thuật tiêu chuẩn đo lường chất lượng", "public"),
    ("Trung tâm Văn hóa - Điện ảnh tỉnh", "public"),
    ("Đoàn Nghệ thuật Chèo", "public"),
    ("Trường Cao đẳng Nghề", "college"),
    ("Trường Trung cấp Kỹ thuật nông nghiệp", "school"),
    ("Trung tâm Quan trắc tài nguyên và môi trường", "public"),
    ("Cục Hải quan tỉnh", "admin"),
)
MILITARY_COMMITTEES = (
    (
        "Cơ quan Bộ Chỉ huy Quân sự tỉnh",
        (
            ("Phòng Tham mưu", ("Ban Tác huấn", "Ban Quân lực", "Ban Cơ yếu")),
            ("Phòng Chính trị", ("Ban Tổ chức", "Ban Tuyên huấn")),
            ("Phòng Hậu cần - Kỹ thuật", ("Ban Quân nhu", "Ban Quân y", "Ban Xe - Máy")),
        ),
    ),
    (
        "Trung đoàn Bộ binh",
        (
            ("Tiểu đoàn 1", ("Đại đội 1", "Đại đội 2", "Đại đội 3")),
            ("Tiểu đoàn 2", ("Đại đội 5", "Đại đội 6", "Đại đội 7")),
            ("Tiểu đoàn 3", ("Đại đội 9", "Đại đội 10", "Đại đội 11")),
        ),
    ),
    ("Tiểu đoàn Huấn luyện - Cơ động", ("Đại đội 1", "Đại đội 2", "Đại đội 3", "Đại đội 4")),
    ("Trường Quân sự tỉnh", ("Khoa Quân sự", "Khoa Chính trị", "Phòng Đào tạo")),
    ("Kho Kỹ thuật", ("Kho K1", "Kho K2", "Tổ Bảo vệ")),
    ("Bệnh xá Quân dân y", ("Khoa Nội", "Khoa Ngoại")),
)
POLICE_COMMITTEES = (
    (
        "Phòng Cảnh sát cơ động",
        (
            ("Đại đội 1", ("Trung đội 1", "Trung đội 2")),
            ("Đại đội 2", ("Trung đội 3", "Trung đội 4")),
        ),
    ),
    ("Phòng Tham mưu", ("Đội Tổng hợp", "Đội Pháp chế", "Đội Thông tin")),
    ("Phòng Cảnh sát giao thông", ("Đội Tuần tra 1", "Đội Tuần tra 2", "Đội Đăng ký xe")),
    ("Phòng Cảnh sát hình sự", ("Đội 1", "Đội 2", "Đội 3")),
    ("Phòng Cảnh sát phòng cháy chữa cháy và cứu nạn, cứu hộ", ("Đội 1", "Đội 2", "Đội 3")),
    ("Trại tạm giam", ("Đội Quản giáo", "Đội Hậu cần", "Đội Bảo vệ")),
    ("Phòng An ninh chính trị nội bộ", ("Đội 1", "Đội 2")),
    ("Phòng Cảnh sát quản lý hành chính về trật tự xã hội", ("Đội 1", "Đội 2", "Đội 3")),
    ("Phòng Hậu cần", ("Đội Quản trị", "Đội Xe")),
    ("Phòng Cảnh sát điều tra tội phạm về ma túy", ("Đội 1", "Đội 2")),
    ("Phòng Kỹ thuật hình sự", ("Đội Giám định", "Đội Khám nghiệm hiện trường")),
    ("Cơ quan Cảnh sát điều tra", ("Đội 1", "Đội 2", "Đội 3")),
)
STATE_ENTERPRISE_COMMITTEES = (
    (
        "Công ty Điện lực Vĩnh Phúc",
        names("Phòng Kỹ thuật; Phòng Kinh doanh; Đội Quản lý vận hành lưới điện cao thế"),
    ),
    ("Viễn thông Vĩnh Phúc", names("Phòng Kỹ thuật - Đầu tư; Trung tâm Kinh doanh; Văn phòng")),
    ("Bưu điện tỉnh", names("Văn phòng; Bưu cục trung tâm")),
    ("Ngân hàng TMCP Công thương chi nhánh Vĩnh Phúc", names("Phòng Khách hàng; Văn phòng")),
    (
        "Ngân hàng TMCP Đầu tư và Phát triển chi nhánh Vĩnh Phúc",
        names("Phòng Khách hàng; Văn phòng"),
    ),
    (
        "Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh tỉnh",
        names("Văn phòng; Phòng Khách hàng; Phòng Kế toán - Ngân quỹ"),
    ),
    (
        "Công ty TNHH MTV Thủy lợi Liễn Sơn",
        names("Xí nghiệp Thủy lợi Lập Thạch; Xí nghiệp Thủy lợi Vĩnh Tường; Văn phòng"),
    ),
    ("Công ty TNHH MTV Thủy lợi Tam Đảo", names("Xí nghiệp Thủy lợi Tam Đảo; Văn phòng")),
    (
        "Công ty CP Cấp thoát nước và Môi trường số 1 Vĩnh Phúc",
        names("Xí nghiệp Sản xuất nước; Văn phòng"),
    ),
    ("Viettel Vĩnh Phúc", names("Phòng Kỹ thuật; Phòng Kinh doanh; Văn phòng")),
)
STATE_ENTERPRISE_CELLS = names(
    "Ngân hàng TMCP Ngoại thương chi nhánh Vĩnh Phúc; Công ty TNHH MTV Xổ số kiến thiết Vĩnh "
    "Phúc; Công ty CP Dược Vĩnh Phúc; Công ty CP Môi trường và Dịch vụ đô thị Vĩnh Yên; Công "
    "ty TNHH MTV Lâm nghiệp Tam Đảo; Công ty CP Sách và Thiết bị trường học; Công ty Bảo Việt "
    "Vĩnh Phúc; Công ty Xăng dầu Vĩnh Phúc"
)
MILITARY_CELLS = names(
    "Đại đội Trinh sát; Đại đội Công binh; Đại đội Thông tin; Đại đội Pháo binh; Đại đội Súng "
    "máy phòng không; Đại đội Phòng hóa; Đại đội Vận tải; Trung đội Cảnh vệ; Trạm Sửa chữa "
    "tổng hợp; Ban Chỉ huy Quân sự các khu công nghiệp; Ban Chỉ huy Quân sự Trường Đại học Sư "
    "phạm Hà Nội 2; Nhà khách Quân sự; Trung đội Quân báo; Đại đội Bộ binh 17; Đại đội Bộ "
    "binh 18; Đại đội Bộ binh 19; Đội Xe; Trung tâm Giáo dục quốc phòng và an ninh; Kho Vũ "
    "khí đạn"
)
POLICE_CELLS = names(
    "Phòng An ninh kinh tế; Phòng An ninh điều tra; Phòng An ninh mạng và phòng, chống tội "
    "phạm sử dụng công nghệ cao; Phòng An ninh đối ngoại; Phòng Tổ chức cán bộ; Phòng Công "
    "tác Đảng và công tác chính trị; Phòng Cảnh sát kinh tế; Phòng Cảnh sát môi trường; Phòng "
    "Cảnh sát thi hành án hình sự và hỗ trợ tư pháp; Phòng Quản lý xuất nhập cảnh; Phòng Hồ "
    "sơ; Phòng Thông tin liên lạc; Phòng Pháp chế và cải cách hành chính, tư pháp; Phòng "
    "Thanh tra; Văn phòng Cơ quan Cảnh sát điều tra; Phòng Cảnh sát truy nã tội phạm; Phòng "
    "Cảnh sát điều tra tội phạm về tham nhũng; Phòng Bảo vệ chính trị"
)
ENTERPRISE_TRADES = names(
    "Xây dựng; Thương mại và Dịch vụ; Cơ khí; May mặc; Vật liệu xây dựng; Gạch Tuynel; Chế "
    "biến nông sản; Vận tải; Đầu tư và Phát triển; Chế biến gỗ; Thép; Bao bì; Môi trường; Xây "
    "lắp điện; Thực phẩm"
)
ENTERPRISE_BRANDS = names(
    "Hoàng Long; Minh Phát; Đại Việt; Tân Thành; Phúc An; Hưng Thịnh; Thành Công; An Phú; "
    "Việt Hưng; Sông Hồng; Hồng Hà; Trường Sơn; Đông Á; Nam Tiến; Bảo Minh; Thái Sơn; Quang "
    "Minh; Hà Phát; Kim Thành; Tiến Đạt"
)
FDI_BRANDS = names(
    "Daeshin; Haesung; Seowon; Jinhae; Namyang; Kyowa; Hoshino; Takara; Sunwin; Everbright; "
    "Shinwoo; Youngjin; Mitsuda; Hanjin Tech; Dongil; Sewon; Kotobuki; Yamada; Winstar; "
    "Goldsun"
)
FDI_SUFFIXES = names(
    "Vina; Việt Nam; Electronics Vina; Precision Việt Nam; Auto Parts Việt Nam; Textile Vina"
)
COOPERATIVE_KINDS = names("dịch vụ nông nghiệp; dịch vụ điện năng; rau an toàn; chăn nuôi")
VILLAGE_FIRST = names(
    "An; Bảo; Bình; Cao; Đại; Đông; Đoài; Đồng; Gia; Hạ; Hòa; Hợp; Hưng; Kim; Lạc; Long; "
    "Minh; Ngọc; Nhân; Phú; Phúc; Quang; Tân; Thanh; Thượng; Trung; Văn; Vĩnh; Xuân; Yên"
)
VILLAGE_SECOND = names(
    "An; Bình; Cường; Điền; Đoài; Đông; Hòa; Hội; Hưng; Khánh; Lạc; Lâm; Lộc; Lợi; Mỹ; Ninh; "
    "Phong; Phú; Phúc; Quang; Sơn; Tâm; Tân; Thành; Thịnh; Thọ; Tiến; Trung; Xuân; Yên"
)

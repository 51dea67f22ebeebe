"""Shared fixtures: a small unit tree and one named persona per role.

    VN (Trung ương)
    └── HP  Thành phố Hải Phòng
        ├── HP-SGDDT  Sở GD&ĐT               <- reviewer (scope: the whole city)
        ├── A  Phường A                      <- officer_a, leader_a
        │   ├── A-VHXH  Phòng VH-XH phường A
        │   ├── A-TH1  Trường Tiểu học A1    <- principal_a
        │   └── A-THCS  Trường TH&THCS A2    (two levels)
        └── B  Phường B                      <- officer_b
            └── B-MN  Trường Mầm non B1      <- principal_b
"""

from datetime import date

import pytest

from tests.factories import make_unit, make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The personas create several users per test; the default hasher would make that take seconds.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def tree(db):
    vn = make_unit("VN", "Trung ương", "central")
    hp = make_unit("HP", "Thành phố Hải Phòng", "province", vn, place_name="Hải Phòng")
    units = {
        "VN": vn,
        "HP": hp,
        "SGDDT": make_unit("HP-SGDDT", "Sở Giáo dục và Đào tạo Hải Phòng", "department", hp),
        "A": make_unit("A", "Phường A", "commune", hp, valid_from=date(2025, 7, 1)),
        "B": make_unit("B", "Phường B", "commune", hp, valid_from=date(2025, 7, 1)),
    }
    units["A-VHXH"] = make_unit("A-VHXH", "Phòng Văn hóa - Xã hội phường A", "commune_office", units["A"])
    units["A-TH1"] = make_unit("A-TH1", "Trường Tiểu học A1", "school", units["A"], levels=["th"])
    units["A-THCS"] = make_unit("A-THCS", "Trường Tiểu học và THCS A2", "school", units["A"], levels=["th", "thcs"])
    units["B-MN"] = make_unit("B-MN", "Trường Mầm non B1", "school", units["B"], levels=["mn"])
    return units


@pytest.fixture
def personas(tree):
    return {
        # the commune officer of phường A: changes A and everything below it
        "officer_a": make_user("officer_a", tree["A"], "officer"),
        # the principal of a primary school in A: changes only that school
        "principal_a": make_user("principal_a", tree["A-TH1"], "school_staff"),
        # the leader of A: reads A's subtree, changes nothing
        "leader_a": make_user("leader_a", tree["A"], "leader"),
        # the officer of phường B: must be refused everything of A
        "officer_b": make_user("officer_b", tree["B"], "officer"),
        # the principal of B's preschool
        "principal_b": make_user("principal_b", tree["B-MN"], "school_staff"),
        # a reviewer of the Sở GD&ĐT: reads the communes of the whole city
        "reviewer": make_user("reviewer", tree["SGDDT"], "reviewer"),
        # a system administrator
        "admin": make_user("admin", is_superuser=True, is_staff=True),
        # a user with no membership at all
        "nobody": make_user("nobody"),
    }

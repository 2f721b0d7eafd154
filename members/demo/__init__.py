"""Synthetic demo data: a province shaped like Vĩnh Phúc in 2020 (DESIGN.md section 6)."""

from .seed import DEMO_USERS, DemoSeed, demo_logins, has_domain_data, reset_domain_data

__all__ = ["DEMO_USERS", "DemoSeed", "demo_logins", "has_domain_data", "reset_domain_data"]

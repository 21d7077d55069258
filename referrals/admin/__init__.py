"""The referrals app's admin, one module per concept; importing them registers their pages."""

from referrals.admin import cases, crisis_phrases, roster, services
from referrals.admin.crisis_phrases import highlighted
from referrals.admin.services import UnknownRegionFilter, region_cell

__all__ = [
    "UnknownRegionFilter",
    "cases",
    "crisis_phrases",
    "highlighted",
    "region_cell",
    "roster",
    "services",
]

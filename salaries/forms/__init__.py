"""Visitors' forms: browsing figures (browsing.py) and reporting pay (reports.py)."""

from salaries.forms.browsing import (
    A_PERIOD,
    MAX_COMPARED,
    CompareForm,
    FindForm,
    OfferForm,
    offer_choices_with_data,
)
from salaries.forms.reports import SalaryReportForm, WithdrawForm

__all__ = [
    "A_PERIOD",
    "MAX_COMPARED",
    "CompareForm",
    "FindForm",
    "OfferForm",
    "SalaryReportForm",
    "WithdrawForm",
    "offer_choices_with_data",
]

"""Field parsers: each takes a cell's raw text and returns its value, or raises RowError with
a reason a person can act on. Every file format builds its rows from these."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django_countries import countries

from salaries.conversion import MAX_AMOUNT, plausible_yearly


class RowError(ValueError):
    """One cell, and so its row, is invalid; the message says why and names the column."""


THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def money(value: str, column: str, required=True) -> Decimal | None:
    value = value.strip()
    if not value:
        if required:
            raise RowError(f"{column} is empty")
        return None
    if "," in value:
        if not THOUSANDS.match(value):
            raise RowError(f"{column} {value!r}: use a dot for decimals, commas only for thousands")
        value = value.replace(",", "")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RowError(f"{column} {value!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise RowError(f"{column} must be a positive number, not {value!r}")
    if amount >= MAX_AMOUNT:
        raise RowError(f"{column} {value!r} is implausibly large")
    return amount.quantize(Decimal("0.01"))


def yearly_within_limits(amount: Decimal, period: str, column: str) -> None:
    if not plausible_yearly(amount, period):
        raise RowError(f"{column} {amount} {period}ly is implausibly large over a year")


def whole_number(value: str, column: str, low: int, high: int, required=True) -> int | None:
    value = value.strip()
    if not value:
        if required:
            raise RowError(f"{column} is empty")
        return None
    try:
        number = int(value)
    except ValueError:
        raise RowError(f"{column} {value!r} is not a whole number") from None
    if not low <= number <= high:
        raise RowError(f"{column} {number} is outside {low}-{high}")
    return number


def country(value: str, column: str, required=True) -> str:
    code = value.strip().upper()
    if not code and not required:
        return ""
    if code not in countries:
        raise RowError(f"{column} {value!r} is not an ISO 3166 country code")
    return code


def choice(value: str, column: str, options: dict, required=True) -> str:
    value = value.strip()
    if not value and not required:
        return ""
    if value not in options:
        raise RowError(f"{column} {value!r} is not one of {', '.join(options)}")
    return options[value]


def text(value: str, column: str, max_length: int, required=True) -> str:
    value = " ".join(value.split())
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise RowError(f"{column} contains control characters")
    if not value and required:
        raise RowError(f"{column} is empty")
    if len(value) > max_length:
        raise RowError(f"{column} is longer than {max_length} characters")
    return value

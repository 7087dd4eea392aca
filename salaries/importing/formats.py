"""The file formats salary observations are imported from: the aijobs.net survey and a generic
format. Each reader says which columns its format has and how a row's cells map to a Row."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salaries.importing.fields import (
    RowError,
    choice,
    country,
    money,
    text,
    whole_number,
    yearly_within_limits,
)
from salaries.models import CompanySize, EmploymentType, Level, Period

AIJOBS_SOURCE_KEY = "aijobs"
AIJOBS_LEVELS = {"EN": Level.ENTRY, "MI": Level.MID, "SE": Level.SENIOR, "EX": Level.EXECUTIVE}
AIJOBS_EMPLOYMENT = {
    "FT": EmploymentType.FULL_TIME,
    "PT": EmploymentType.PART_TIME,
    "CT": EmploymentType.CONTRACT,
    "FL": EmploymentType.FREELANCE,
}
AIJOBS_COLUMNS = [
    "work_year", "experience_level", "employment_type", "job_title", "salary",
    "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
    "company_location", "company_size",
]  # fmt: skip
GENERIC_REQUIRED = ["job_title", "country", "year", "amount", "currency", "period"]
GENERIC_OPTIONAL = [
    "level", "years_experience", "employment_type", "city", "company", "company_country",
    "company_size", "remote_ratio", "industry", "base", "bonus", "equity", "amount_usd",
]  # fmt: skip


@dataclass
class Row:
    line: int
    key: str
    job_title: str
    country: str
    year: int
    amount: Decimal
    currency: str
    period: str
    level: str = ""
    years_experience: int | None = None
    employment_type: str = ""
    city: str = ""
    company: str = ""
    company_country: str = ""
    company_size: str = ""
    remote_ratio: int | None = None
    industry: str = ""
    base: Decimal | None = None
    bonus: Decimal | None = None
    equity: Decimal | None = None
    amount_usd: Decimal | None = None


class Reader:
    """Validates one CSV format. Subclasses say which columns it has and how a row maps."""

    required: list[str]
    optional: list[str] = []

    def __init__(self, currencies: set[str]):
        self.currencies = currencies
        self.max_year = date.today().year + 1

    def currency(self, value: str, column: str) -> str:
        code = value.strip().upper()
        if code not in self.currencies:
            raise RowError(f"{column} {value!r} is not a known ISO 4217 currency")
        return code

    def year(self, value: str, column: str) -> int:
        return whole_number(value, column, 1990, self.max_year)

    def parse(self, line: int, key: str, raw: dict) -> Row:
        raise NotImplementedError


class AijobsReader(Reader):
    required = AIJOBS_COLUMNS

    def parse(self, line, key, raw):
        currency = self.currency(raw["salary_currency"], "salary_currency")
        return Row(
            line=line,
            key=key,
            job_title=text(raw["job_title"], "job_title", 120),
            year=self.year(raw["work_year"], "work_year"),
            level=choice(raw["experience_level"], "experience_level", AIJOBS_LEVELS),
            employment_type=choice(raw["employment_type"], "employment_type", AIJOBS_EMPLOYMENT),
            amount=money(raw["salary"], "salary"),
            currency=currency,
            period=Period.YEAR,
            amount_usd=money(raw["salary_in_usd"], "salary_in_usd"),
            country=country(raw["employee_residence"], "employee_residence"),
            remote_ratio=choice(
                raw["remote_ratio"], "remote_ratio", {"0": 0, "50": 50, "100": 100}
            ),
            company_country=country(raw["company_location"], "company_location"),
            company_size=choice(raw["company_size"], "company_size", {s: s for s in CompanySize}),
        )


class GenericReader(Reader):
    required = GENERIC_REQUIRED
    optional = GENERIC_OPTIONAL

    def parse(self, line, key, raw):
        get = lambda column: raw.get(column) or ""  # noqa: E731
        row = Row(
            line=line,
            key=key,
            job_title=text(get("job_title"), "job_title", 120),
            country=country(get("country"), "country"),
            year=self.year(get("year"), "year"),
            amount=money(get("amount"), "amount"),
            currency=self.currency(get("currency"), "currency"),
            period=choice(get("period"), "period", {p.value: p.value for p in Period}),
            level=choice(get("level"), "level", {v.value: v.value for v in Level}, False),
            years_experience=whole_number(
                get("years_experience"), "years_experience", 0, 60, required=False
            ),
            employment_type=choice(
                get("employment_type"),
                "employment_type",
                {v.value: v.value for v in EmploymentType},
                required=False,
            ),
            city=text(get("city"), "city", 100, required=False),
            company=text(get("company"), "company", 150, required=False),
            company_country=country(get("company_country"), "company_country", required=False),
            company_size=choice(
                get("company_size"), "company_size", {s: s for s in CompanySize}, required=False
            ),
            remote_ratio=whole_number(get("remote_ratio"), "remote_ratio", 0, 100, False),
            industry=text(get("industry"), "industry", 100, required=False),
            base=money(get("base"), "base", required=False),
            bonus=money(get("bonus"), "bonus", required=False),
            equity=money(get("equity"), "equity", required=False),
            amount_usd=money(get("amount_usd"), "amount_usd", required=False),
        )
        yearly_within_limits(row.amount, row.period, "amount")
        return row


READERS = {"aijobs": AijobsReader, "generic": GenericReader}

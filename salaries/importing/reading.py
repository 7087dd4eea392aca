"""Reading a CSV file: its header checked against the format, every row validated and given
its identity within the source. Nothing here writes to the database."""

import csv
import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from salaries.importing.fields import RowError
from salaries.importing.formats import Reader, Row


class ImportError_(Exception):
    """The file as a whole cannot be read (no header, wrong columns, bad encoding)."""


# What a row's identity rests on: what the source says about the person, parsed, so that a later
# release that reformats a number ("150000" as "150000.0") or restates a figure the source
# derives itself (salary_in_usd) brings back the same observation, not a second person.
DERIVED_FIELDS = {"line", "key", "amount_usd"}


def row_key(row: Row, seen: Counter) -> str:
    """The row's identity within its source: a hash of its parsed, non-derived fields, and how
    many identical rows came before it (a survey holds identical answers from different people)."""
    values = [
        f"{name}={format(value.normalize(), 'f') if isinstance(value, Decimal) else value}"
        for name, value in sorted(vars(row).items())
        if name not in DERIVED_FIELDS
    ]
    digest = hashlib.sha1("\x1f".join(values).encode(), usedforsecurity=False).hexdigest()
    seen[digest] += 1
    return f"{digest}#{seen[digest]}"


def read_rows(path: Path, reader: Reader, progress=None):
    """Validate every row. Returns (rows, errors); raises ImportError_ for an unreadable file."""
    rows, errors, seen = [], [], Counter()
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            table = csv.DictReader(handle)
            header = table.fieldnames
            if not header:
                raise ImportError_(f"{path} is empty: expected a header row")
            header = [column.strip() for column in header]
            table.fieldnames = header
            missing = [column for column in reader.required if column not in header]
            if missing:
                raise ImportError_(
                    f"{path} is missing column(s) {', '.join(missing)}; "
                    f"the header has: {', '.join(header)}"
                )
            unknown = set(header) - set(reader.required) - set(reader.optional)
            if unknown:
                raise ImportError_(f"{path} has unexpected column(s) {', '.join(sorted(unknown))}")
            for raw in table:
                line = table.line_num
                if None in raw or None in raw.values():
                    errors.append((line, f"expected {len(header)} fields"))
                    continue
                try:
                    row = reader.parse(line, "", raw)
                    row.key = row_key(row, seen)
                    rows.append(row)
                except RowError as exc:
                    errors.append((line, str(exc)))
                if progress and len(rows) % 10000 == 0 and rows:
                    progress(len(rows) + len(errors))
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise ImportError_(f"{path} is not a readable CSV file: {exc}") from None
    return rows, errors

"""Importing salary observations from CSV files: the aijobs.net survey and a generic format.

Every row is validated before anything is written. A bad row is reported with its line number
and reason; by default one bad row means nothing is imported. Rows are identified by a hash of
their content plus how many identical rows came before it in the file (surveys do contain
identical answers from different people), so re-importing a file adds nothing.

The package is split by step, each module importing only the ones above it:
- fields: parsers for one cell's value, raising RowError;
- formats: the Row every format maps to, and a reader per format (READERS);
- reading: a file's header checked and its rows validated and identified (read_rows);
- writing: the rows written to a source as one import batch (import_file).
"""

from salaries.importing.fields import RowError
from salaries.importing.formats import AIJOBS_SOURCE_KEY, READERS, Reader, Row
from salaries.importing.reading import ImportError_, read_rows
from salaries.importing.writing import ImportResult, import_file

__all__ = [
    "AIJOBS_SOURCE_KEY",
    "READERS",
    "ImportError_",
    "ImportResult",
    "Reader",
    "Row",
    "RowError",
    "import_file",
    "read_rows",
]

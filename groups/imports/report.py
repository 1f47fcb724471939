"""What an import found and did: ImportReport, shown by the pages, the
command and the API (ImportReport.as_dict)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

MAX_ERRORS_SHOWN = 1000


@dataclass
class RowError:
    line: int
    column: str
    reason: str


@dataclass
class ImportReport:
    encoding: str = ""
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)  # the file's headers, in order
    mapping: list[str] = field(default_factory=list)  # field per column ("" = ignored)
    ignored_columns: list[str] = field(default_factory=list)
    category_values: list[dict] = field(default_factory=list)  # {"value", "rows", "category" (slug/"new"/"")}
    unknown_categories: list[str] = field(default_factory=list)
    status_values: list[dict] = field(default_factory=list)  # {"value", "rows", "status" (or "" when unknown)}
    unknown_statuses: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    blocked: int = 0  # rows with a problem: rows == created + updated + unchanged + blocked
    preview: list[dict] = field(default_factory=list)  # the first rows as they will be stored
    near_duplicates: list[dict] = field(default_factory=list)  # new rows resembling someone (duplicates.py)
    near_duplicate_count: int = 0
    warnings: list[str] = field(default_factory=list)  # what the organiser may not expect; never blocks
    categories_created: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    file_error: str = ""  # the file as a whole could not be read
    dry_run: bool = True
    applied: bool = False

    @property
    def encoding_label(self) -> str:
        return {"utf-8-sig": "UTF-8 (with BOM)", "utf-8": "UTF-8", "cp1252": "Windows-1252"}.get(
            self.encoding, self.encoding
        )

    @property
    def delimiter_label(self) -> str:
        return {",": "comma", ";": "semicolon"}.get(self.delimiter, self.delimiter)

    @property
    def ok(self) -> bool:
        return not self.file_error and self.error_count == 0

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def column_mapping(self) -> list[tuple[str, str]]:
        return list(zip(self.columns, self.mapping, strict=False))

    def add_error(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(RowError(line, column, reason))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        data["ok"] = self.ok
        data["encoding_label"] = self.encoding_label
        data["delimiter_label"] = self.delimiter_label
        data["mapping"] = dict(self.column_mapping)
        data["errors_truncated"] = self.errors_truncated
        return data

    def to_store(self) -> dict[str, Any]:
        """Everything, as JSON-ready data, for from_store (the cached dry run)."""
        return asdict(self)

    @classmethod
    def from_store(cls, data: dict[str, Any]) -> ImportReport:
        names = {f.name for f in fields(cls)}
        report = cls(**{k: v for k, v in data.items() if k in names and k != "errors"})
        report.errors = [RowError(**e) for e in data.get("errors", [])]
        return report


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says what to fix."""

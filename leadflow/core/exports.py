"""Excel exports: every table a report shows can be downloaded as .xlsx with the same rows."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones: local time
    if value is None:
        return ""
    return value


def xlsx_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> HttpResponse:
    """Build a workbook with one sheet per (title, header, rows) and return it as a download."""
    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    for title, header, rows in sheets:
        # Excel refuses these characters in a sheet title, and more than 31 characters.
        safe = "".join(" " if ch in '[]:*?/\\' else ch for ch in str(title)).strip()[:31] or "Sheet"
        ws = wb.create_sheet(title=safe)
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [max(8, len(str(h)) * 2) for h in header]
        for row in rows:
            values = [_cell(v) for v in row]
            ws.append(values)
            for i, v in enumerate(values):
                widths[i] = min(60, max(widths[i], len(str(v)) + 2))
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

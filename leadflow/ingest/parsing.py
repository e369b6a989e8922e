"""Reading rows from .xlsx and .csv files, with Chinese or English column headers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from leadflow.core.errors import FieldError, ValidationFailed

CUSTOMER_COLUMNS = {
    "name": ("客户名称", "名称", "name"),
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code"),
    "legal_representative": ("法定代表人", "法人", "legal_representative"),
    "industry": ("行业", "industry"),
    "phone": ("电话", "联系电话", "phone"),
    "address": ("地址", "address"),
    "owner": ("负责人", "销售", "owner"),
    "status": ("状态", "status"),
    "source": ("来源", "source"),
    "payment_terms": ("账期", "payment_terms"),
    "first_contact_at": ("首次接触时间", "首次接触", "first_contact_at"),
    "first_visit_at": ("首次拜访时间", "首次拜访", "first_visit_at"),
    "notes": ("备注", "notes"),
}
PAYMENT_COLUMNS = {
    "customer": ("客户", "客户名称", "统一社会信用代码", "customer"),
    "amount": ("金额", "回款金额", "amount"),
    "received_at": ("到账时间", "回款日期", "received_at"),
    "method": ("方式", "付款方式", "method"),
    "external_id": ("单号", "外部编号", "external_id"),
}


def _rows_xlsx(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for row in wb.worksheets[0].iter_rows(values_only=True):
        yield list(row)


def _rows_csv(data: bytes) -> Iterator[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed(_("The CSV file is neither UTF-8 nor GBK."), errors=[FieldError("file", _("Unknown text encoding."))])
    yield from csv.reader(io.StringIO(text))


def read_table(data: bytes, extension: str, columns: dict[str, tuple[str, ...]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Return (the recognised column names, the rows as dicts, each with its sheet row number
    under ``_row``). Blank rows are skipped (they hold no data); every other row is returned, to be
    accounted for in the report."""
    rows = _rows_xlsx(data) if extension in ("xlsx", "xlsm") else _rows_csv(data)
    try:
        header = next(rows)
    except StopIteration:
        raise ValidationFailed(_("The file is empty."), errors=[FieldError("file", _("The file is empty."))]) from None
    lookup = {alias.strip().lower(): key for key, aliases in columns.items() for alias in aliases}
    keys = [lookup.get(str(h or "").strip().lower()) for h in header]
    if not any(keys):
        raise ValidationFailed(
            _("No known column in the first row. Expected columns such as: %(cols)s")
            % {"cols": ", ".join(a[0] for a in columns.values())},
            errors=[FieldError("file", _("No known column headers."))],
        )
    out = []
    for number, values in enumerate(rows, start=2):  # row 1 is the header
        if all(v in (None, "") for v in values):
            continue
        record: dict[str, Any] = {"_row": number}
        for key, value in zip(keys, values, strict=False):
            if key:
                record[key] = value.strip() if isinstance(value, str) else value
        out.append(record)
    return [k for k in keys if k], out


def to_datetime(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time(9, 0))
    else:
        text = str(value).strip().replace("/", "-").replace("T", " ")
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                when = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(_("“%(value)s” is not a date (use 2026-01-27 15:22)") % {"value": value})
    return timezone.make_aware(when) if timezone.is_naive(when) else when


def to_amount(value: Any) -> Decimal:
    text = str(value).replace(",", "").replace("¥", "").replace("￥", "").strip()
    return Decimal(text)

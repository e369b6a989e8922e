"""Chinese identifiers: 统一社会信用代码 (GB 32100-2015) and phone numbers."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def normalize_credit_code(value: str) -> str:
    """Upper-case, no spaces; raise a ValidationError naming what is wrong."""
    code = uscc.compact(value or "")
    try:
        return uscc.validate(code)
    except InvalidLength as exc:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)},
            code="length",
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong; please check for typos."),
            code="checksum",
        ) from exc
    except (InvalidFormat, StdnumError) as exc:
        raise ValidationError(
            _("This is not a valid unified social credit code (digits and capital letters, no I, O, Z, S, V)."),
            code="format",
        ) from exc


def validate_credit_code(value: str) -> None:
    if value:
        normalize_credit_code(value)


def normalize_phone(value: str, *, kind: str = "any") -> str:
    """Return a Chinese phone number in a canonical form: ``13812345678`` for a mobile,
    ``0571-88886666`` for a landline. ``kind`` is ``mobile``, ``landline`` or ``any``."""
    raw = (value or "").strip().replace("转", " ext ").replace("－", "-")
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("“%(value)s” is not a phone number.") % {"value": raw}, code="phone") from exc
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid Chinese mobile or landline number.") % {"value": raw}, code="phone"
        )
    ntype = phonenumbers.number_type(number)
    is_mobile = ntype in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if kind == "mobile" and not is_mobile:
        raise ValidationError(_("“%(value)s” is not a Chinese mobile number.") % {"value": raw}, code="mobile")
    if kind == "landline" and ntype != phonenumbers.PhoneNumberType.FIXED_LINE:
        raise ValidationError(_("“%(value)s” is not a Chinese landline number.") % {"value": raw}, code="landline")
    national = str(number.national_number)
    if is_mobile and len(national) == 11 and national.startswith("1"):
        return national
    bare = phonenumbers.PhoneNumber(country_code=86, national_number=number.national_number)
    formatted = phonenumbers.format_number(bare, phonenumbers.PhoneNumberFormat.NATIONAL)
    # NATIONAL gives "0571 8888 6666" or "010 6552 9988"; we keep area code and number.
    parts = formatted.split()
    result = parts[0] + "-" + "".join(parts[1:]) if len(parts) > 1 else formatted
    if number.extension:
        result += f" 转{number.extension}"
    return result


def validate_phone(value: str) -> None:
    if value:
        normalize_phone(value)


def validate_mobile(value: str) -> None:
    if value:
        normalize_phone(value, kind="mobile")

"""Personal-information rules (PIPL, minimum necessary).

Customers are stored as a masked name, an age band and a group; free text that holds a full
resident ID number or a mobile number is refused, never stored.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Not part of a longer run of digits, so amounts and reference numbers do not trip it.
RESIDENT_ID_RE = re.compile(
    r"(?<!\d)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dXx])"
)
MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
MASKED_NAME_RE = re.compile(r"^[\u4e00-\u9fff·]{1,2}\*{1,3}$|^[A-Za-z][A-Za-z .'-]{0,3}\*{1,4}$")


def contains_resident_id(text: str) -> bool:
    return bool(RESIDENT_ID_RE.search(text or ""))


def contains_mobile(text: str) -> bool:
    return bool(MOBILE_RE.search(text or ""))


def validate_no_personal_identifiers(value: str) -> None:
    """Refuse text holding a full 18-digit resident ID or an 11-digit mobile number."""
    if contains_resident_id(value):
        raise ValidationError(
            _("Remove the resident ID number: full ID numbers may not be stored."),
            code="resident_id",
        )
    if contains_mobile(value):
        raise ValidationError(
            _("Remove the mobile number: full phone numbers may not be stored."),
            code="mobile",
        )


def redact(text: str) -> str:
    """Mask any ID or mobile number in text bound for logs."""
    text = RESIDENT_ID_RE.sub(lambda m: m.group(0)[:3] + "*" * 11 + m.group(0)[-4:], text or "")
    return MOBILE_RE.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], text)


def mask_name(name: str) -> str:
    """王小明 -> 王**, 欧阳娜娜 -> 欧阳**; an already-masked name is returned as it is."""
    name = (name or "").strip()
    if not name or MASKED_NAME_RE.match(name):
        return name
    compound = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙")
    keep = 2 if name[:2] in compound and len(name) > 2 else 1
    return name[:keep] + "*" * max(1, min(3, len(name) - keep))


def validate_masked_name(value: str) -> None:
    if value and not MASKED_NAME_RE.match(value):
        raise ValidationError(
            _("Enter the customer's name masked, such as 王**; full names are not stored."),
            code="unmasked_name",
        )

"""Personal-information rules (PIPL, minimum necessary).

Customers are stored as a masked name, an age band and a group; free text that holds a full
resident ID number or a mobile number is refused, never stored.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import NUMERAL_DIGITS, fold_for_matching, fold_with_origins

# The patterns run on folded text (core.text: every digit ASCII, every space a space, every
# dash a hyphen, invisible characters gone, Chinese numerals apart). Between any two characters
# of a number a short run of separators is allowed, as people group digits: 138 1234 5678,
# 138-1234-5678, 138.1234.5678, 1 3 8 / 1 2 3 4 …; at most three in a row, so digits far apart
# are not joined. A number is not part of a longer run of digits, so amounts and reference
# numbers do not trip it; a Chinese numeral next to a number (张三13912345678) does not count.
SEPARATORS = r"[ \-./_\\·•・。()]"
_GAP = SEPARATORS + "{0,3}"
_TO_ASCII = str.maketrans({ch: str(d) for d, ch in enumerate(NUMERAL_DIGITS)})


def _d(allowed: str = "0123456789") -> str:
    """A digit among `allowed`, written in ASCII or as a Chinese numeral."""
    return "[" + allowed + "".join(NUMERAL_DIGITS[int(c)] for c in allowed) + "]"


def _number(*parts: str) -> re.Pattern:
    """The parts of a number, any of them separated by a separator run; no ASCII digit around."""
    return re.compile("(?<![0-9])" + _GAP.join(parts) + "(?![0-9])")


_D = _d()
RESIDENT_ID_RE = _number(
    _d("123456789"),
    *[_D] * 5,
    f"(?:{_d('1')}{_GAP}{_d('89')}|{_d('2')}{_GAP}{_d('0')})",
    _D,
    _D,
    f"(?:{_d('0')}{_GAP}{_d('123456789')}|{_d('1')}{_GAP}{_d('012')})",
    f"(?:{_d('0')}{_GAP}{_d('123456789')}|{_d('12')}{_GAP}{_D}|{_d('3')}{_GAP}{_d('01')})",
    *[_D] * 3,
    f"(?:{_D}|[Xx])",
)
MOBILE_RE = _number(
    f"(?:(?:\\+|{_d('0')}{_GAP}{_d('0')})?{_GAP}{_d('8')}{_GAP}{_d('6')}{_GAP})?{_d('1')}",
    _d("3456789"),
    *[_D] * 9,
)
# Eleven digits with separator runs between: what every ID and mobile number holds. Starting
# with a character class, it is found at the regular expression engine's scanning speed, so
# text without such a run (most notes) is cleared without running the patterns above.
_CANDIDATE = re.compile(f"{_D}(?:{_GAP}{_D}){{10}}")
MASKED_NAME_RE = re.compile(r"^[\u4e00-\u9fff·]{1,2}\*{1,3}$|^[A-Za-z][A-Za-z .'-]{0,3}\*{1,4}$")


_folded = fold_for_matching


# A plain decimal amount (144290000.00) has eleven digits and a dot: an amount, not a number.
_AMOUNT = re.compile(r"[0-9]+\.[0-9]{1,2}")


def _numbers(pattern: re.Pattern, folded: str):
    return (m for m in pattern.finditer(folded) if not _AMOUNT.fullmatch(m.group(0)))


def _found(text: str) -> tuple[bool, bool]:
    """(holds a resident ID, holds a mobile number), the text folded once."""
    folded = _folded(text)
    if not _CANDIDATE.search(folded):
        return False, False
    return any(_numbers(RESIDENT_ID_RE, folded)), any(_numbers(MOBILE_RE, folded))


def contains_resident_id(text: str) -> bool:
    return _found(text)[0]


def contains_mobile(text: str) -> bool:
    return _found(text)[1]


def contains_personal_identifier(text: str) -> bool:
    return any(_found(text))


def validate_no_personal_identifiers(value: str) -> None:
    """Refuse text holding a full 18-digit resident ID or an 11-digit mobile number, in any
    spelling (full-width or other-script digits, Chinese numerals, separators, invisible
    characters inside)."""
    resident_id, mobile = _found(value)
    if resident_id:
        raise ValidationError(
            _("Remove the resident ID number: full ID numbers may not be stored."),
            code="resident_id",
        )
    if mobile:
        raise ValidationError(
            _("Remove the mobile number: full phone numbers may not be stored."),
            code="mobile",
        )


_SEPARATOR_CHARS = re.compile(SEPARATORS)


def _masked(found: re.Match, middle: int) -> str:
    digits = _SEPARATOR_CHARS.sub("", found.group(0)).translate(_TO_ASCII)
    return digits[:3] + "*" * middle + digits[-4:]


def redact(text: str) -> str:
    """Mask any ID or mobile number in text bound for logs or a page, in whatever spelling it
    was written: 110101********1234 keeps the first three and last four characters."""
    text = text or ""
    if not contains_personal_identifier(text):
        return text
    for pattern, middle in ((RESIDENT_ID_RE, 11), (MOBILE_RE, 4)):
        folded, origins = fold_with_origins(text, numerals_apart=True)
        pieces, last = [], 0
        for found in _numbers(pattern, folded):
            start, end = origins[found.start()], origins[found.end() - 1] + 1
            pieces += [text[last:start], _masked(found, middle)]
            last = end
        if pieces:
            text = "".join(pieces) + text[last:]
    return text


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

"""Field validators shared by the record kinds."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import RECORD_DATES

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Fields the portal sets itself (bookkeeping and workflow): a form or API body that sends one
# which it does not offer is refused (mass assignment), never silently dropped.
SET_BY_THE_PORTAL = frozenset(
    {
        "id",
        "branch",
        "created_by",
        "created_at",
        "updated_at",
        "version",
        "status",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "approved_by",
        "approved_at",
        "set_by",
    }
)

# Beyond this a figure is a typing error, not a loan: ten thousand 亿元.
MAX_AMOUNT = Decimal("1000000000000.00")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """GB 32100-2015 unified social credit code: 18 characters, last one a check character."""
    code = (value or "").upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_CHARS for c in code):
        raise ValidationError(
            _("A unified social credit code has 18 characters (digits and capital letters, no I, O, S, V, Z)."),
            code="credit_code_format",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code's check character is wrong; please re-check the code."),
            code="credit_code_check",
        )


def validate_not_future(value) -> None:
    """A record's date: not in the future, nor before the portal's earliest date (core/dates.py)."""
    RECORD_DATES(value)


def validate_amount(value) -> None:
    if value is None:
        return
    if not value.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    if value < 0:
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    if value > MAX_AMOUNT:
        raise ValidationError(_("The amount is implausibly large; please check it."), code="too_large")

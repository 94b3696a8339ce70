"""Ids taken from URLs and forms: digits only and within a bigint, so a hostile id is a 404, never a 500."""

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id as an int, or None when the value is not a plausible database id."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or len(text) > 18:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class RecordIdConverter:
    """`<record_id:pk>`: 1 to 18 digits, so the id always fits the database's bigint."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))

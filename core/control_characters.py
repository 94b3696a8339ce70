"""Control characters in a request: the checks (issue 15). The middleware that applies them to
every request before anything reads it is config/control_characters.py.

PostgreSQL cannot store NUL (U+0000): a NUL that reaches a query, as a filter value, a path
argument, a session key or a form field, raises inside the database driver and answers 500.
No legitimate address, query parameter, header, cookie, field name or file name carries any
C0 control character (U+0000 to U+001F) either, so those are refused whole:

| where | refused |
|---|---|
| the path, query parameters (names and values, raw and %-decoded), cookies, form field names, uploaded file names, JSON object keys | every C0 control character |
| header values | every C0 control character but TAB (RFC 9110 allows only that one) |
| form field values, JSON string values | NUL only: text pasted from office programs carries TAB, line breaks and vertical tabs, which the fields' own rules handle |

The middleware checks everything but a multipart body before any other code runs, whether or
not the view reads it: the path, the query string, headers, cookies, form and JSON bodies (up to
DATA_UPLOAD_MAX_MEMORY_SIZE; larger ones Django refuses itself). A multipart body is checked as
Django parses it (the first read of request.POST), so the streaming upload handlers of ledgers
and photos stay in place; the API's multipart parser (records/api/formats.py) uses the same
checking parser. Every refusal is a 400 naming where the character was: under /api/ JSON,
`{field: [message]}` for a field of a JSON body and `{"detail": ...}` otherwise; a page elsewhere.
"""

import re

from django.http import QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.datastructures import ImmutableList
from django.utils.translation import gettext as _

C0 = re.compile("[\x00-\x1f]")
HEADER_REFUSED = re.compile("[\x00-\x08\x0a-\x1f]")  # all but TAB
TEXT_REFUSED = re.compile("\x00")
# Encoded forms: a %-escape of a C0 character or a raw one (query strings, form bodies); in
# JSON an escape or a raw byte other than the whitespace TAB, LF, CR.
PERCENT_CONTROL = re.compile("%[01][0-9a-fA-F]|[\x00-\x1f]")
JSON_CONTROL = re.compile(rb"\\u00[01][0-9a-fA-F]|[\x00-\x08\x0b\x0c\x0e-\x1f]")


def first_control(text: str, refused=C0) -> str | None:
    """The first refused character of the text, or None."""
    if not isinstance(text, str):
        return None
    found = refused.search(text)
    return found.group() if found else None


class ControlCharacterRefused(MultiPartParserError):
    """A control character where no valid input has one. A MultiPartParserError, so that Django
    marks the body as unreadable and answers 400 through handler400 when the multipart parse
    raises it."""

    def __init__(self, where: str, char: str, field: str = ""):
        self.where, self.char, self.field = where, char, field  # field: the JSON body's top-level key
        super().__init__(
            _("Refused: %(where)s contains a control character (U+%(code)04X), which no valid input carries.")
            % {"where": where, "code": ord(char)}
        )


def check_pairs(pairs, name_of, value_refused=C0) -> None:
    for key, values in pairs:
        if (ch := first_control(key)) is not None:
            raise ControlCharacterRefused(name_of(_("a name")), ch)
        for value in values:
            if (ch := first_control(value, value_refused)) is not None:
                raise ControlCharacterRefused(name_of(key), ch)


def check_form(data: QueryDict, files=None) -> None:
    """Form fields: names without any C0 character, values without NUL; file names clean."""
    check_pairs(data.lists(), lambda key: _("the form field “%(name)s”") % {"name": key[:50]}, TEXT_REFUSED)
    for key, uploads in files.lists() if files is not None else ():
        for upload in uploads:
            if (ch := first_control(upload.name or "")) is not None:
                raise ControlCharacterRefused(_("the name of the file in “%(name)s”") % {"name": key[:50]}, ch)


def check_json(data, where: str = "") -> None:
    """Every key of a parsed JSON document without C0 characters, every string without NUL."""
    stack = [(data, where)]
    while stack:
        item, field = stack.pop()
        if isinstance(item, str):
            if (ch := first_control(item, TEXT_REFUSED)) is not None:
                raise ControlCharacterRefused(_field(field), ch, field)
        elif isinstance(item, dict):
            for key, value in item.items():
                if (ch := first_control(key)) is not None:
                    raise ControlCharacterRefused(_("a field name"), ch)
                stack.append((value, field or key))
        elif isinstance(item, list):
            stack.extend((value, field) for value in item)


def _field(name: str) -> str:
    return _("the field “%(name)s”") % {"name": name[:50]} if name else _("the request body")


class CheckedMultiPartParser(MultiPartParser):
    """Django's multipart parser, refusing control characters in field names and values and in
    the raw file names (Django would silently drop them from the names)."""

    def sanitize_file_name(self, file_name):
        if (ch := first_control(file_name)) is not None:
            raise ControlCharacterRefused(_("the name of an uploaded file"), ch)
        return super().sanitize_file_name(file_name)

    def parse(self):
        data, files = super().parse()
        check_form(data, files)
        return data, files


def checked_parse_file_upload(request):
    def parse_file_upload(meta, post_data):
        # As HttpRequest.parse_file_upload, with the checking parser.
        request.upload_handlers = ImmutableList(
            request.upload_handlers, warning="You cannot alter upload handlers after the upload has been processed."
        )
        return CheckedMultiPartParser(meta, post_data, request.upload_handlers, request.encoding).parse()

    return parse_file_upload

"""What the API reads (strict JSON) and writes besides JSON (CSV for lists)."""

import csv
import io
import json

from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer

from core.control_characters import CheckedMultiPartParser, ControlCharacterRefused, check_form


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _check_text(data) -> None:
    """Lone surrogates ("\\ud800") parse as JSON but cannot be stored: refuse them here."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _has_surrogate(item):
                raise ParseError(_("JSON parse error - the body holds an invalid Unicode character."))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class StrictJSONParser(JSONParser):
    """JSON without NaN/Infinity (STRICT_JSON), nesting bombs or unstorable characters (lone
    surrogates here; control characters are refused before, by config/control_characters.py)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from exc
        _check_text(data)
        return data


class ControlCheckedMultiPartParser(MultiPartParser):
    """REST framework's multipart parser with the checks of config/control_characters.py."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
            parser = CheckedMultiPartParser(meta, stream, request.upload_handlers, encoding)
            data, files = parser.parse()
        except ControlCharacterRefused as exc:
            raise ParseError(str(exc)) from None
        except MultiPartParserError as exc:
            raise ParseError(_("Multipart form parse error - %(error)s") % {"error": exc}) from exc
        return DataAndFiles(data, files)


class ControlCheckedFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            check_form(data)
        except ControlCharacterRefused as exc:
            raise ParseError(str(exc)) from None
        return data


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheets: keep it text.
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def rows_of(data) -> list:
    """The rows a response holds: a page's results, a metrics answer's rows, or a list."""
    if isinstance(data, dict):
        for key in ("results", "rows"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    return list(data or [])


class CSVRenderer(BaseRenderer):
    """`?format=csv` on lists: one row per item, a header of field names, UTF-8 with a BOM
    so that spreadsheet programs read the Chinese text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = [r for r in rows_of(data) if isinstance(r, dict)]
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return out.getvalue().encode("utf-8")


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is a bad parameter (400), not a missing page (REST framework's 404)."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise ValidationError({"format": [_("Unknown format %(format)s.") % {"format": format[:20]}]})
        return matching

"""The middleware refusing control characters in a request before anything reads it (issue 15);
the checks and the table of what is refused are in core/control_characters.py."""

import json

from django.conf import settings
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from core.control_characters import (
    HEADER_REFUSED,
    JSON_CONTROL,
    PERCENT_CONTROL,
    ControlCharacterRefused,
    check_form,
    check_json,
    check_pairs,
    checked_parse_file_upload,
    first_control,
)
from records.api.middleware import API_PREFIX, json_error


def check_request(request) -> None:
    """Everything of the request but a multipart body (that is checked as it is parsed)."""
    if (ch := first_control(request.path_info)) is not None:
        raise ControlCharacterRefused(_("the address"), ch)
    if PERCENT_CONTROL.search(request.META.get("QUERY_STRING", "")):  # else nothing to decode
        check_pairs(request.GET.lists(), lambda key: _("the query parameter “%(name)s”") % {"name": key[:50]})
        if (ch := first_control(request.META.get("QUERY_STRING", ""))) is not None:
            raise ControlCharacterRefused(_("the query string"), ch)
    for name, value in request.META.items():
        if not name.startswith("HTTP_") or name == "HTTP_COOKIE":
            continue  # cookies are checked one by one below
        if (ch := first_control(value, HEADER_REFUSED)) is not None:
            header = name.removeprefix("HTTP_").replace("_", "-").title()
            raise ControlCharacterRefused(_("the header “%(name)s”") % {"name": header[:50]}, ch)
    for name, value in request.COOKIES.items():
        if (ch := first_control(name) or first_control(value)) is not None:
            raise ControlCharacterRefused(_("the cookie “%(name)s”") % {"name": name[:50]}, ch)
    if request.content_type == "application/x-www-form-urlencoded" and _body_is_small(request):
        if PERCENT_CONTROL.search(request.body.decode("latin-1")):
            check_form(QueryDict(request.body, encoding="utf-8"))
    elif _is_json(request.content_type) and _body_is_small(request) and _may_hold_controls(request.body):
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            return  # not JSON: the API's parser answers 400 for that
        check_json(data)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _may_hold_controls(body: bytes) -> bool:
    """A JSON text can only hold a control character as an escape (\\u0000-\\u001f) or as a
    raw byte (invalid JSON but for the whitespace TAB, LF, CR): bodies without either are not
    decoded here."""
    return bool(JSON_CONTROL.search(body))


def _body_is_small(request) -> bool:
    """Bodies over the limit are refused by Django when first read: not read here."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        return limit is None or int(request.META.get("CONTENT_LENGTH") or 0) <= limit
    except ValueError:
        return False


def refusal(request, exc: ControlCharacterRefused):
    """The 400 answer: JSON under /api/, a page otherwise."""
    if request.path_info.startswith(API_PREFIX):
        if exc.field:
            return _field_error(exc)
        response = json_error(400, str(exc))
    else:
        response = render(request, "portal/refused_input.html", {"message": str(exc)}, status=400)
    response.control_character_refusal = exc.where  # for the tests: which part was refused
    return response


def _field_error(exc: ControlCharacterRefused):
    response = JsonResponse({exc.field: [str(exc)]}, status=400, json_dumps_params={"ensure_ascii": False})
    response.control_character_refusal = exc.where
    return response


class ControlCharacterMiddleware:
    """Early in the chain: before the session, the user or any view touches the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except ControlCharacterRefused:
            # Before LocaleMiddleware: the language of the previous request is still active.
            with translation.override(translation.get_language_from_request(request)):
                try:
                    check_request(request)  # again, so that the message is in the user's language
                except ControlCharacterRefused as exc:
                    return refusal(request, exc)
        if request.content_type == "multipart/form-data":
            request.parse_file_upload = checked_parse_file_upload(request)
        return self.get_response(request)

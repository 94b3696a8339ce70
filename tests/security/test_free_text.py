"""Issue 15, items 3 and 14: a resident ID or mobile number in any spelling, and invisible
text-direction controls, are refused by every free-text field of every model, whichever way
the text arrives (service, form, API, ledger, photo, report). Fields are found by
introspection, so a new field is covered without editing these tests."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.free_text import EXEMPT, check_free_text_fields, is_free_text, text_fields
from core.privacy import contains_personal_identifier, redact
from tests.security.spellings import ordinary_texts, personal_numbers

PERSONAL = {"resident_id", "mobile"}
BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]]
FREE_TEXT = [(model, field) for model, field in text_fields() if is_free_text(model, field)]
IDS = [f"{model._meta.label}.{field.name}" for model, field in FREE_TEXT]
DB_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list} if hasattr(error, "error_list") else set()


def refusal_codes(field, value) -> set[str]:
    try:
        field.run_validators(value)
    except ValidationError as e:
        return codes(e)
    return set()


def test_every_text_field_is_covered_or_exempt_with_a_reason():
    assert check_free_text_fields() == []
    assert all(reason.strip() for reason in EXEMPT.values())
    # The record kinds' notes, references and names, photo captions, evidence statements and
    # submission notes are among the covered fields.
    for label in [
        "services.HomeVisit.notes",
        "services.HomeVisit.recording_ref",
        "services.Financing.counterparty",
        "antifraud.Intervention.police_unit",
        "branches.Staff.name",
        "honours.Honour.title",
        "portal.Photo.caption",
        "reports.EvidenceStatement.text",
        "metrics.Submission.reason",
    ]:
        assert label in IDS


@settings(max_examples=400, deadline=None)
@given(text=personal_numbers())
def test_every_spelling_is_refused_by_every_free_text_field(text):
    assert contains_personal_identifier(text)
    for model, field in FREE_TEXT:
        assert refusal_codes(field, text) & PERSONAL, f"{model._meta.label}.{field.name} accepted {text!r}"
    masked = redact(text)
    assert not contains_personal_identifier(masked), masked


@settings(max_examples=400, deadline=None)
@given(text=ordinary_texts())
def test_amounts_dates_and_references_are_accepted_by_every_field(text):
    assert not contains_personal_identifier(text)
    for model, field in FREE_TEXT:
        assert not refusal_codes(field, text) & PERSONAL, f"{model._meta.label}.{field.name} refused {text!r}"
    assert redact(text) == text


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(alphabet="回访备注客户满意 abc", max_size=10),
    control=st.sampled_from(BIDI),
    after=st.text(alphabet="回访备注客户满意 abc", max_size=10),
)
def test_direction_controls_are_refused_by_every_free_text_field(before, control, after):
    for model, field in FREE_TEXT:
        assert "bidi_control" in refusal_codes(field, before + control + after), f"{model._meta.label}.{field.name}"


def test_right_to_left_letters_without_controls_are_accepted():
    for _model, field in FREE_TEXT:
        assert not refusal_codes(field, "مرحبا שלום 回访") & {"bidi_control", *PERSONAL}


def test_the_direction_message_is_in_chinese_and_names_the_character():
    from django.utils import translation

    (_model, field) = FREE_TEXT[0]
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as caught:
            field.run_validators("已办结\u202e")
        assert "U+202E" in caught.value.messages[0] and "文字方向" in caught.value.messages[0]


# ---- Through the service of every record kind: the field's error, nothing written.

from tests.conftest import record_data  # noqa: E402
from tests.kinds import KIND_IDS, KINDS  # noqa: E402


def user_text_fields(model):
    """The free-text fields a user sets on a record of this kind."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField)) and f.editable and is_free_text(model, f)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_every_kind_refuses_every_spelling_in_every_text_field(kind, net):
    fields = user_text_fields(kind.model)
    assert fields  # every kind has notes at least

    @DB_SETTINGS
    @given(text=personal_numbers(), bidi=st.sampled_from(["", *BIDI]))
    def check(text, bidi):
        for name in fields:
            with pytest.raises(ValidationError) as caught:
                kind.create(user=net.root_user, **record_data(kind.slug, net) | {name: bidi + text})
            assert name in caught.value.message_dict, (name, text)
        assert not kind.model.objects.exists()

    check()

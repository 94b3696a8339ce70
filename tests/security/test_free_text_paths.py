"""Issue 15, items 3 and 14, by each way text arrives: ledger cells, photo captions, report
texts, evidence statements, submission notes, staff and branch names, the API. Each path
refuses every generated spelling of an ID or mobile number (and direction controls) with the
field's message, writes nothing, and does not echo the number."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branches.models import Role
from branches.services import branch_update, staff_create
from core.free_text import BIDI_CONTROLS, safe_file_name
from core.kinds import kind_for_slug
from core.periods import parse_period
from core.privacy import contains_personal_identifier
from records.models import Photo
from records.photos import photo_add
from reports.highlights import build_report
from reports.models import EvaluationScheme, EvidenceStatement, ReportDraft
from reports.services import draft_save, statement_save
from services.models import HomeVisit, OutreachEvent
from services.services import home_visit_create
from submissions.services import submission_submit
from tests.api.conftest import payload, token_client
from tests.conftest import record_data
from tests.entry.conftest import jpeg_bytes, upload
from tests.ledgers.conftest import Ledger, outreach, run, visit
from tests.security.spellings import personal_numbers
from tests.security.test_free_text import BIDI

pytestmark = pytest.mark.django_db
DB = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
HOSTILE = st.one_of(personal_numbers(), st.tuples(st.sampled_from(BIDI)).map(lambda t: f"已核实{t[0]}无误"))


@pytest.fixture(autouse=True)
def _ledger_settings(settings, tmp_path):
    settings.LEDGER_IMPORT_INLINE = True
    settings.LEDGER_UPLOAD_DIR = tmp_path / "ledger-uploads"


def refused_fields(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict if hasattr(caught.value, "error_dict") else {"__all__": caught.value.messages}


@pytest.mark.parametrize(
    "slug, row, columns",
    [("home-visits", visit, ["notes", "recording_ref"]), ("outreach-events", outreach, ["place", "notes"])],
)
def test_ledger_cells_refuse_every_spelling(slug, row, columns, net, staff_qk, tmp_path):
    ledger = Ledger(tmp_path)

    @DB
    @given(texts=st.lists(HOSTILE, min_size=1, max_size=8))
    def check(texts):
        rows = [row(**{column: text}) for text in texts for column in columns]
        outcome = run(slug, ledger(slug, rows), staff_qk, commit=True)
        assert not outcome.committed and outcome.created == 0
        assert {p["row"] for p in outcome.problems} == set(range(2, len(rows) + 2))
        assert not any(contains_personal_identifier(p["message"]) for p in outcome.problems)
        assert not HomeVisit.objects.exists() and not OutreachEvent.objects.exists()

    check()


def test_photo_captions_refuse_every_spelling(net, staff_qk):
    visit_ = home_visit_create(user=staff_qk, **record_data("home-visits", net))
    image = jpeg_bytes()

    @DB
    @given(caption=HOSTILE.filter(lambda t: len(t) <= 200))
    def check(caption):
        errors = refused_fields(lambda: photo_add(visit_, user=staff_qk, upload=upload(image), caption=caption))
        assert "caption" in errors
        assert not Photo.objects.exists()

    check()


def test_evidence_statements_refuse_every_spelling(net, staff_qk):
    # Its own scheme: the seeded ones are gone once a module using the demo data has flushed.
    scheme = EvaluationScheme.objects.create(code="test-scheme", name="测试评价体系")
    item = scheme.items.create(code="T-01", title="上门服务", points=5)
    branch = net["WH-QK-01"]

    @DB
    @given(text=HOSTILE)
    def check(text):
        errors = refused_fields(lambda: statement_save(user=staff_qk, branch=branch, item=item, year=2025, text=text))
        assert "text" in errors
        assert not EvidenceStatement.objects.exists()

    check()


def test_report_texts_refuse_every_spelling(net, analyst_wh):
    report = build_report(analyst_wh, net["WH"], parse_period("2025"))
    keys = [section.key for section in report.sections]
    assert keys

    @DB
    @given(text=HOSTILE)
    def check(text):
        errors = refused_fields(
            lambda: draft_save(user=analyst_wh, report=report, texts=dict.fromkeys(keys, "本年度：" + text))
        )
        assert set(errors) == set(keys)
        assert not ReportDraft.objects.exists()

    check()


def test_submission_notes_staff_and_branch_names_refuse_every_spelling(net, manager_qk):
    month = datetime.date(2025, 8, 1)
    branch = net["WH-QK-01"]
    head = net.user("head_qk01", "WH-QK-01", Role.BRANCH_MANAGER)

    @DB
    @given(text=HOSTILE, name=HOSTILE.filter(lambda t: len(t) <= 50))
    def check(text, name):
        assert "note" in refused_fields(
            lambda: submission_submit(user=head, branch=branch, month=month, nil_return=True, note=text)
        )
        assert "name" in refused_fields(lambda: staff_create(user=manager_qk, branch=branch, name=name))
        assert "address" in refused_fields(lambda: branch_update(branch, user=net.root_user, address=name))

    check()


def test_the_api_refuses_every_spelling_with_the_field_and_no_echo(net, staff_qk):
    api = token_client(staff_qk)

    @DB
    @given(text=HOSTILE, ref=HOSTILE.filter(lambda t: len(t) <= 100))
    def check(text, ref):
        body = payload("home-visits", net) | {"notes": text, "recording_ref": ref}
        response = api.post("/api/v1/home-visits/", body, format="json")
        assert response.status_code == 400
        assert set(response.json()) >= {"notes", "recording_ref"}
        assert not contains_personal_identifier(response.content.decode())
        assert not HomeVisit.objects.exists()

    check()


def test_the_entry_form_refuses_every_spelling_and_shows_it_masked(client, net, staff_qk):
    client.force_login(staff_qk)
    form = {"branch": net["WH-QK-01"].pk, "occurred_on": "2025-08-14", "customer_group": "elderly"}
    form |= {"customer_name_masked": "王**", "purpose": "pension"}
    form |= kind_for_slug("home-visits").sample.needed_form(net["WH-QK-01"], net.root_user)  # a team of two

    @DB
    @given(text=personal_numbers(), ref=personal_numbers().filter(lambda t: len(t) <= 100))
    def check(text, ref):
        response = client.post("/services/home-visits/new/", form | {"notes": text, "recording_ref": ref})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"notes", "recording_ref"}
        assert not contains_personal_identifier(response.content.decode())
        assert not HomeVisit.objects.exists()

    check()


@given(name=personal_numbers(), control=st.sampled_from(BIDI))
def test_uploaded_file_names_are_never_stored_with_a_number_or_a_control(name, control):
    stored = safe_file_name(f"{control}{name}{control}.xlsx")
    assert not contains_personal_identifier(stored) and not BIDI_CONTROLS.search(stored)


def test_a_photo_keeps_none_of_its_file_name(net, staff_qk):
    visit_ = home_visit_create(user=staff_qk, **record_data("home-visits", net))
    photo = photo_add(visit_, user=staff_qk, upload=upload(jpeg_bytes(), name="张三13912345678\u202egpj.jpg"))
    assert photo.image.name.endswith(f"homevisit-{visit_.pk}.jpg")
    assert not contains_personal_identifier(photo.image.name + photo.thumbnail.name + str(photo))

"""The record kinds of this app, as the registry (core/kinds.py) knows them."""

from branches.models import Branch
from core.dates import EARLIEST_DATE
from core.kinds import Ledger, RecordKind, ReportPart, Sample, Synthetic
from partnerships import demo, services, synthetic
from partnerships.api.views import PartnershipActivityViewSet, PartnershipViewSet
from partnerships.filtersets import PartnershipActivityFilterSet, PartnershipFilterSet
from partnerships.forms import PartnershipActivityForm, PartnershipForm
from partnerships.models import Partnership, PartnershipActivity
from partnerships.report import partnership_paragraph

SAMPLE_PARTNER = "样例共建社区"


def sample_partnership(branch, user) -> dict:
    """The partnership a sample activity names: one at the root of `branch`'s tree, in force
    since the earliest date, so that any branch of the tree may name it on any date."""
    root = Branch.objects.get(pk=branch.ancestor_ids[0])
    partnership = Partnership.objects.filter(branch=root, partner_name=SAMPLE_PARTNER).first()
    if partnership is None:
        partnership = services.partnership_create(
            user=user, branch=root, occurred_on=EARLIEST_DATE, partner_name=SAMPLE_PARTNER, partner_type="community"
        )
    return {"partnership": partnership}


KINDS = (
    RecordKind(
        slug="partnerships",
        model=Partnership,
        filterset=PartnershipFilterSet,
        create=services.partnership_create,
        update=services.partnership_update,
        delete=services.partnership_delete,
        form_class=PartnershipForm,
        list_columns=("partner_name", "partner_type", "agreement_ref", "ended_on"),
        viewset=PartnershipViewSet,
        ledger=Ledger(
            columns="branch occurred_on partner_name partner_type agreement_ref ended_on notes",
            duplicate_key=("partner_name",),
            example={"partner_name": "百步亭社区", "partner_type": "community", "agreement_ref": "党建共建协议"},
        ),
        synthetic=Synthetic(share=0.005, rows=synthetic.partnerships),
        sample=Sample(
            fields={"partner_name": "百步亭社区", "partner_type": "community"},
            edit={"partner_type": "government"},
            form={"partner_name": "百步亭社区", "partner_type": "community"},
            form_edit={"partner_type": "government"},
        ),
        report_part=ReportPart(45, partnership_paragraph),
        demo=demo.load,
    ),
    RecordKind(
        slug="partnership-activities",
        model=PartnershipActivity,
        filterset=PartnershipActivityFilterSet,
        create=services.partnership_activity_create,
        update=services.partnership_activity_update,
        delete=services.partnership_activity_delete,
        form_class=PartnershipActivityForm,
        list_columns=("partnership", "activity_type", "people_reached"),
        viewset=PartnershipActivityViewSet,
        ledger=Ledger(
            columns="branch occurred_on partnership activity_type people_reached notes",
            duplicate_key=("partnership", "activity_type"),
            example={"partnership": "百步亭社区", "activity_type": "party_building", "people_reached": 40},
        ),
        synthetic=Synthetic(share=0.02, rows=synthetic.partnership_activities),
        sample=Sample(
            fields={"activity_type": "party_building", "people_reached": 40},
            edit={"people_reached": 60},
            form={"activity_type": "party_building", "people_reached": "40"},
            form_edit={"people_reached": "60"},
            needs=sample_partnership,
        ),
    ),
)

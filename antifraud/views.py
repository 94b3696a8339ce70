"""Entry pages of anti-fraud records; the intervention page carries the case workflow and commendations."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from antifraud import forms
from antifraud.models import Intervention
from antifraud.services import intervention_transition
from core.errors import StaleEdit
from honours.forms import HonourForm
from honours.models import Honour
from honours.services import honour_create
from records.pages.errors import FORM_REFUSALS, add_service_error
from records.pages.records import RecordDetailView, mark_invalid
from records.services import check_can_write

S = Intervention.Status


class InterventionDetailView(RecordDetailView):
    """The case with its next steps (police notified, attended, confirmed with unit and amount,
    or customer proceeded) and the commendations it earned."""

    kind = "interventions"

    def detail_context(self, case) -> dict:
        can_write = self.access.can_write_records(case.branch)
        linked = (
            Honour.objects.for_user(self.request.user)
            .filter(linked_type=ContentType.objects.get_for_model(Intervention), linked_id=case.pk)
            .select_related("branch")
        )
        transitions = [S(s) for s in S.values if case.can_move_to(s)]
        return {
            "transitions": transitions if can_write else [],
            "transition_form": forms.TransitionForm(case=case) if can_write and transitions else None,
            "commendation_form": self.commendation_form() if can_write else None,
            "commendations": list(linked),
            "can_need_unit": bool({S.POLICE_ATTENDED, S.CONFIRMED} & set(transitions)),
            "can_confirm": S.CONFIRMED in transitions,
        }

    def commendation_form(self, data=None):
        form = HonourForm(data, prefix="honour", user=self.request.user, with_photos=False)
        if data is None:
            form.initial.update(kind=Honour.Kind.COMMENDATION_LETTER, branch=self.get_object().branch_id)
        return form

    def get_object(self):
        if hasattr(self, "_case"):
            return self._case
        self._case = super().get_object()
        return self._case


class InterventionTransitionView(InterventionDetailView):
    request_body_limit = None  # a form, no photos: the general limit (config.body_limits)
    http_method_names = ["post"]

    def post(self, request, **kwargs):
        case = self.get_object()
        check_can_write(request.user, case.branch)
        form = forms.TransitionForm(request.POST, case=case)
        if form.is_valid():
            try:
                case = intervention_transition(case, user=request.user, **form.service_fields())
            except StaleEdit as exc:
                form.add_error(None, str(exc))
                case = exc.current
                form.data = form.data.copy()
                form.data["version"] = case.version
            except FORM_REFUSALS as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The case is now: %(status)s") % {"status": case.get_status_display()})
                return redirect(case.get_absolute_url())
        mark_invalid(form)
        return self.render_detail(case, transition_form=form)


class InterventionCommendationView(InterventionDetailView):
    request_body_limit = None  # a form, no photos: the general limit (config.body_limits)
    """Record a commendation (an honour) earned by the case, linked to it."""

    http_method_names = ["post"]

    def post(self, request, **kwargs):
        case = self.get_object()
        form = self.commendation_form(request.POST)
        if form.is_valid():
            try:
                honour = honour_create(user=request.user, linked_record=case, **form.service_fields())
            except FORM_REFUSALS as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Commendation recorded: %(honour)s") % {"honour": honour})
                return redirect(case.get_absolute_url())
        mark_invalid(form)
        return self.render_detail(case, commendation_form=form)

"""Entry pages of the customer-service kinds, the home-visit follow-ups and the love-station tally."""

import datetime

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from branches.access import access_for
from branches.models import Branch
from core.dates import RECORD_DATES
from core.errors import PeriodLocked, StaleEdit
from records.pages.choosers import BranchSearchSelect, branch_label
from records.pages.errors import ServiceRefusalsMixin
from records.pages.ids import parse_id
from records.services import check_can_write
from services import forms
from services.models import HomeVisit, LoveStationTally
from services.services import home_visit_follow_up_done, love_station_tally_add


class FollowUpsView(LoginRequiredMixin, ServiceRefusalsMixin, View):
    """Home visits whose 72-hour follow-up is still open, most overdue first; POST marks one done."""

    def get(self, request, **kwargs):
        return self.render_page()

    def post(self, request, pk, **kwargs):
        visit = get_object_or_404(HomeVisit.objects.for_user(request.user).select_related("branch"), pk=pk)
        check_can_write(request.user, visit.branch)
        form = forms.FollowUpDoneForm(request.POST, prefix=f"v{visit.pk}")
        if form.is_valid():
            try:
                home_visit_follow_up_done(
                    visit,
                    user=request.user,
                    done_on=form.cleaned_data["done_on"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                for name, messages_ in errors.items():
                    form.add_error("done_on" if name == "follow_up_done_on" else None, messages_)
            except (PeriodLocked, StaleEdit) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Follow-up recorded: %(visit)s") % {"visit": visit})
                return redirect("services:home-visit-follow-ups")
        return self.render_page(bound={visit.pk: form})

    def render_page(self, bound=None):
        today = timezone.localdate()
        visits = (
            HomeVisit.objects.for_user(self.request.user)
            .filter(follow_up_done_on__isnull=True)
            .select_related("branch")
            .order_by("follow_up_due", "id")
        )
        page = Paginator(visits, 50).get_page(self.request.GET.get("page"))
        access = access_for(self.request.user)
        rows = []
        for visit in page:
            form = (bound or {}).get(visit.pk) or forms.FollowUpDoneForm(
                prefix=f"v{visit.pk}", initial={"version": visit.version}
            )
            rows.append(
                {
                    "visit": visit,
                    "overdue": visit.follow_up_due is not None and visit.follow_up_due < today,
                    "due_today": visit.follow_up_due == today,
                    "form": form if access.can_write_records(visit.branch) else None,
                    "action": reverse("services:home-visit-follow-up-done", args=[visit.pk]),
                }
            )
        return render(self.request, "services/follow_ups.html", {"page_obj": page, "rows": rows, "today": today})


def _parse_day(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise Http404() from None
    if not RECORD_DATES.contains(day):
        raise Http404()
    return day


def _stations(user):
    return Branch.objects.for_user(user).filter(love_station_since__isnull=False, is_active=True).order_by("path")


class TallyPickView(LoginRequiredMixin, View):
    """Choose a station and a day; with a single station, go straight to today's tally."""

    def get(self, request, **kwargs):
        # Never the whole list: a head office has thousands of stations (the chooser searches).
        stations = list(_stations(request.user)[:2])
        station_id, day = request.GET.get("station"), request.GET.get("day") or timezone.localdate().isoformat()
        pk = parse_id(station_id)
        chosen = _stations(request.user).filter(pk=pk).first() if pk else None
        if chosen is None and len(stations) == 1 and not station_id:
            chosen = stations[0]
        if chosen is not None:
            try:
                valid_day = _parse_day(day)
            except Http404:
                valid_day = timezone.localdate()
            return redirect("services:love-station-tally-day", station=chosen.pk, day=valid_day.isoformat())
        form = StationPickForm(user=request.user, initial={"station": stations[0].pk if stations else None})
        return render(
            request,
            "services/tally_pick.html",
            {"stations": stations, "form": form, "today": timezone.localdate().isoformat()},
        )


class StationPickForm(django_forms.Form):
    station = django_forms.ModelChoiceField(
        queryset=Branch.objects.none(),
        empty_label=None,
        widget=BranchSearchSelect(
            purpose="stations", attrs={"class": "form-select form-select-lg", "id": "tally-station"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = _stations(user)
        self.fields["station"].label_from_instance = branch_label


class TallyView(LoginRequiredMixin, ServiceRefusalsMixin, View):
    """One station, one day: a big +1 per visitor group and service, each tap saved at once."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.day_text = kwargs.get("day", "")

    def get_station(self):
        return get_object_or_404(_stations(self.request.user), pk=self.kwargs["station"])

    def counts(self, station, day) -> dict:
        rows = LoveStationTally.objects.filter(branch=station, occurred_on=day)
        return {(t.visitor_group, t.service): t.count for t in rows}

    def get(self, request, **kwargs):
        station, day = self.get_station(), _parse_day(self.day_text)
        return self.render_page(station, day)

    def add(self, station, day, group, service, by):
        tap = dict(user=self.request.user, branch=station, occurred_on=day, visitor_group=group, service=service, by=by)
        try:
            return love_station_tally_add(**tap)
        except IntegrityError:
            # Two phones tapped a new cell at the same moment: the other created the row; add to it.
            return love_station_tally_add(**tap)

    def post(self, request, **kwargs):
        station, day = self.get_station(), _parse_day(self.day_text)
        form = forms.TallyTapForm(request.POST)
        if not form.is_valid():
            return render(
                request, "records/refused.html", {"reason": _("Unknown visitor group or service.")}, status=400
            )
        group, service, by = form.cleaned_data["visitor_group"], form.cleaned_data["service"], form.cleaned_data["by"]
        error = ""
        current = self.counts(station, day).get((group, service), 0)
        if by > 0 or current > 0:
            try:
                self.add(station, day, group, service, by)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except PeriodLocked as exc:
                error = str(exc)
        if not request.htmx:
            if error:
                messages.error(request, error)
            return redirect("services:love-station-tally-day", station=station.pk, day=day.isoformat())
        counts = self.counts(station, day)
        cell = {
            "group": group,
            "service": service,
            "label": LoveStationTally.Service(service).label,
            "group_label": LoveStationTally.VisitorGroup(group).label,
            "count": counts.get((group, service), 0),
            "error": error,
        }
        context = {
            "cell": cell,
            "can_write": True,
            "action": request.path,
            "oob": True,
            "total": sum(counts.values()),
            "group_total": sum(v for (g, _s), v in counts.items() if g == group),
        }
        return render(request, "services/_tally_cell.html", context)

    def render_page(self, station, day):
        counts = self.counts(station, day)
        groups = [
            {
                "value": group.value,
                "label": group.label,
                "total": sum(v for (g, _s), v in counts.items() if g == group.value),
                "cells": [
                    {
                        "group": group.value,
                        "service": s.value,
                        "label": s.label,
                        "group_label": group.label,
                        "count": counts.get((group.value, s.value), 0),
                    }
                    for s in LoveStationTally.Service
                ],
            }
            for group in LoveStationTally.VisitorGroup
        ]
        today = timezone.localdate()
        one_day = datetime.timedelta(days=1)
        return render(
            self.request,
            "services/tally.html",
            {
                "station": station,
                "day": day,
                "groups": groups,
                "total": sum(counts.values()),
                "can_write": access_for(self.request.user).can_write_records(station),
                "action": self.request.path,
                "previous_day": (day - one_day).isoformat(),
                "next_day": (day + one_day).isoformat() if day < today else None,
                "today": today,
                "list_url": reverse("services:love-station-tallies-list") + f"?branch={station.code}",
            },
        )

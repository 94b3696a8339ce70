"""Study and education sessions (学习教育): theory study, red education at revolutionary sites,
clean-governance reading clubs, warning education such as attending a court hearing, party
lectures. Staff take part, so a session counts person-times and the distinct people reached."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.catalogue import Measure
from records.models import Record


class StudySession(Record):
    class SessionType(models.TextChoices):
        THEORY = "theory", _("theory study")
        RED_EDUCATION = "red_education", _("red education (visiting memorial sites)")
        CLEAN_READING = "clean_reading", _("integrity reading club")
        WARNING_EDUCATION = "warning_education", _("warning education (attending trials etc.)")
        PARTY_LECTURE = "party_lecture", _("Party lecture")
        OTHER = "other", _("other")

    session_type = models.CharField(_("type of session"), max_length=30, choices=SessionType.choices)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place or partner"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    participants = models.ManyToManyField(
        "branches.Staff", related_name="study_sessions", blank=True, verbose_name=_("participants (staff)")
    )
    person_times = models.PositiveIntegerField(
        _("person-times"),
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("Everyone who took part, counted once per session; at least the staff named."),
    )
    # The session's total person-hours (everyone's hours added up), as volunteer hours are.
    hours = models.DecimalField(
        _("study hours (all participants)"),
        max_digits=8,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )

    measures = (
        Measure("study_sessions"),
        Measure("study_person_times", value="person_times"),
        Measure("study_people", member="participants"),  # each participating staff member
        Measure("study_hours", value="hours"),
    )

    class Meta(Record.Meta):
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")

    def __str__(self):
        return f"{self.occurred_on} {self.get_session_type_display()} {self.title}"

    def clean(self):
        super().clean()
        named = len(self.related("participants"))
        if self.person_times is not None and self.person_times < named:
            raise ValidationError(
                {
                    "person_times": _(
                        "Person-times (%(given)s) cannot be fewer than the %(named)s staff named as participants."
                    )
                    % {"given": self.person_times, "named": named}
                }
            )

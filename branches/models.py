"""The branch tree, staff, roles, honours and targets."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.scoping import ScopedQuerySet
from core.catalogue import METRICS
from core.freshness import earliest_year
from core.privacy import validate_no_personal_identifiers

PATH_SEGMENT_WIDTH = 7


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}."


def path_ids(path: str) -> list[int]:
    """Ids of a node and all its ancestors, root first, read off its materialized path."""
    return [int(s) for s in path.split(".") if s]


def common_branch(branches) -> "Branch | None":
    """The deepest node whose subtree holds all the branches (at most one query)."""
    distinct = {branch.pk: branch for branch in branches}
    common: list[int] = []
    for ids in zip(*(path_ids(branch.path) for branch in distinct.values()), strict=False):
        if any(pk != ids[0] for pk in ids):
            break
        common.append(ids[0])
    if not common:
        return None
    return distinct.get(common[-1]) or Branch.objects.get(pk=common[-1])


class BranchQuerySet(ScopedQuerySet):
    branch_path_lookup = "path"


class Branch(models.Model):
    """A node of the branch tree. `path` holds the ids from the root, so a subtree is one
    indexed prefix predicate and ancestors are read off the path without a query."""

    class Level(models.TextChoices):
        HEAD_OFFICE = "head_office", _("head office")
        PROVINCE = "province", _("provincial branch")
        CITY = "city", _("city branch")
        SUB_BRANCH = "sub_branch", _("sub-branch")
        OUTLET = "outlet", _("outlet")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    love_station_since = models.PositiveSmallIntegerField(
        _("love station since (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    knowledge_corner_since = models.PositiveSmallIntegerField(
        _("financial-knowledge corner since (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    elderly_finance_demo = models.BooleanField(_("elderly-finance demonstration outlet"), default=False)
    inclusive_finance_model = models.BooleanField(_("inclusive-finance model outlet"), default=False)
    community_finance = models.BooleanField(_("community-finance outlet"), default=False)
    population_served = models.PositiveIntegerField(_("population served"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="branch_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.short_name or self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)

    @property
    def has_love_station(self) -> bool:
        return self.love_station_since is not None

    def is_descendant_of(self, other: "Branch") -> bool:
        return self.path.startswith(other.path)


class Staff(models.Model):
    """A staff member: recipient of honours, member of home-visit teams; not always a user."""

    name = models.CharField(_("name"), max_length=50, validators=[validate_no_personal_identifiers])
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="staff", verbose_name=_("branch"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_profile",
        verbose_name=_("portal user"),
    )
    is_party_member = models.BooleanField(_("party member"), default=False)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1940), MaxValueValidator(2010)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["branch__path", "name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OUTLET_STAFF = "outlet_staff", _("outlet staff")
    BRANCH_MANAGER = "branch_manager", _("branch manager")
    ANALYST = "analyst", _("head-office analyst")
    ADMIN = "admin", _("administrator")
    METRICS_CLIENT = "metrics_client", _("metrics client (read-only)")


class Membership(models.Model):
    """A user's role on a node; it reaches the node's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("branch"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "branch", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.branch} · {self.get_role_display()}"


class Target(models.Model):
    """A yearly target for one node and metric; dashboards show progress against it."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="targets", verbose_name=_("branch"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    metric = models.CharField(_("metric"), max_length=50, choices=[(k, m.label) for k, m in METRICS.items()])
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=2, validators=[MinValueValidator(0)])
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "branch__path", "metric"]
        constraints = [models.UniqueConstraint(fields=["branch", "year", "metric"], name="target_unique")]

    def __str__(self):
        return f"{self.branch} {self.year} {self.get_metric_display()}"

    def figures_since(self, changes: dict) -> int | None:
        """The first year whose figures a write of this target changes (core.freshness)."""
        return earliest_year(self.year, changes.get("year"))

"""Report figures as released: computed in batches with differential privacy, and stored.

Figures from reports sent to Talab are never computed when a page is asked for: a release
(`manage.py release_figures`, salaries.figures.releases) computes every cell's figures once, with
noise drawn then, and stores them here. Pages read these rows, so reloading or rephrasing a
question cannot average the noise away, and an approval or a withdrawal changes nothing a
visitor can see, nor any page's timing, until the next release.
"""

from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField

from salaries.models.reference import Level
from salaries.models.roles import Role


class Release(models.Model):
    """One batch: when it ran, what privacy it spent, how many cells it recomputed."""

    made_at = models.DateTimeField(auto_now_add=True)
    epsilon = models.FloatField(help_text="Privacy loss per person in a recomputed cell")
    delta = models.FloatField()
    cells_recomputed = models.PositiveIntegerField(default=0)
    cells_shown = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-made_at"]
        get_latest_by = "made_at"

    def __str__(self):
        return f"Release of {self.made_at:%Y-%m-%d %H:%M}"


class ReportFigureQuerySet(models.QuerySet):
    def shown(self):
        return self.exclude(people=None).select_related("role")


class ReportFigure(models.Model):
    """A cell's (role, country, level) figures as last released. `people` is set only where
    the noisy count reached the threshold: elsewhere nothing is shown, not even that the cell
    exists."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    country = CountryField()
    level = models.CharField(max_length=10, choices=Level.choices)
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="figures")
    people = models.PositiveIntegerField(
        null=True, blank=True, help_text="The noisy count, rounded: 'about N'"
    )
    median_usd = models.DecimalField(
        max_digits=12, decimal_places=0, null=True, blank=True,
        help_text="The private median of yearly pay in US dollars (large enough cells only)",
    )  # fmt: skip
    # How many reports the figures were computed from, and how many of those were withdrawn
    # since: private, never shown; a release computes a cell again only when these changed
    # enough (salaries.figures.releases).
    members = models.PositiveIntegerField()
    withdrawals = models.PositiveIntegerField(default=0)  # since the last computation

    objects = ReportFigureQuerySet.as_manager()

    class Meta:
        ordering = ["role", "country", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "country", "level"], name="report_figure_one_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(median_usd__isnull=True) | Q(median_usd__gt=0, people__isnull=False),
                name="report_figure_median_shown_with_people",
            ),
        ]

    def __str__(self):
        return f"{self.role} in {self.country.code}, {self.get_level_display()}"

    @property
    def shown_figures(self) -> tuple:
        return self.people, self.median_usd

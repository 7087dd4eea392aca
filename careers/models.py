"""Career guides: original articles per role and country, shown beside live figures."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries.fields import CountryField

from portal.markdown import render_markdown
from salaries.models import Role, Source


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def related_to(self, role, country=""):
        """Guides for this role, in this country first, then ones for anywhere."""
        return (
            self.published()
            .filter(role=role)
            .filter(Q(country=country) | Q(country=""))
            .order_by("-country", "title")
        )


class Guide(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")
    country = CountryField(blank=True, help_text="Blank: a guide for anywhere")
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown. HTML is removed except for basic formatting.")
    sources = models.ManyToManyField(Source, blank=True, help_text="Sources the guide cites")
    published = models.BooleanField(default=False)
    published_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="guide_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_on__isnull=False),
                name="guide_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("careers:detail", args=[self.slug])

    def body_html(self):
        """The body as HTML, sanitized: editors write Markdown, never raw HTML."""
        return render_markdown(self.body)

"""Career guides: original articles per role and country, shown beside live figures."""

import markdown
import nh3
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_countries.fields import CountryField

from salaries.models import Role, Source

# What a guide's Markdown may become: text structure and links, no scripts, styles or images.
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code",
    "pre", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
}  # fmt: skip


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
        html = markdown.markdown(self.body, extensions=["tables"])
        cleaned = nh3.clean(html, tags=ALLOWED_TAGS, link_rel="nofollow noopener")
        return mark_safe(cleaned)  # noqa: S308 (nh3 has removed everything unsafe)

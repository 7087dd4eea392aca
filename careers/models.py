"""Career guides: original articles per role and country, shown beside live figures."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django_countries.fields import CountryField

from careers.markers import render_body, searchable
from portal.markdown import html_as_text
from portal.models import weighted_search_vector
from salaries.models import Role, Source


class GuideStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class GuideQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=GuideStatus.PUBLISHED)

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
    author = models.CharField(max_length=100, default="Talab editors")
    body = models.TextField(
        help_text="Markdown. HTML is removed except for basic formatting. Figures from the data "
        "go in markers such as [[median role=data-scientist country=gb]] (see README)."
    )
    # The guide in Nepali, written in its own words (not word for word), shown on the Nepali
    # pages: a guide may have its title and summary in Nepali before its body, which those
    # pages then give in English, saying so.
    title_ne = models.CharField("title in Nepali", max_length=200, blank=True)
    summary_ne = models.CharField("summary in Nepali", max_length=300, blank=True)
    body_ne = models.TextField(
        "body in Nepali", blank=True, help_text="Markdown with the same figure markers as the body"
    )
    sources = models.ManyToManyField(Source, blank=True, help_text="Sources the guide cites")
    related = models.ManyToManyField("self", blank=True, symmetrical=False, help_text="Read next")
    status = models.CharField(
        max_length=10, choices=GuideStatus.choices, default=GuideStatus.DRAFT,
        help_text="Drafts are never public; preview them from the guide's admin page.",
    )  # fmt: skip
    published_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The shipped text this guide was last loaded from (a hash): load_guides updates a guide
    # only while it still holds that text, so an editor's change survives.
    seed_digest = models.CharField(max_length=64, blank=True, editable=False)
    # What site search reads: the body as plain words, markers and Markdown removed.
    search_text = models.TextField(blank=True, editable=False)
    search_vector = weighted_search_vector("title", "summary", "search_text")

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="guide_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False),
                name="guide_published_has_date",
            ),
        ]
        indexes = [GinIndex(fields=["search_vector"], name="guide_search")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        bodies = [self.body, self.title_ne, self.summary_ne, self.body_ne]
        self.search_text = searchable("\n\n".join(filter(None, bodies)))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("careers:detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == GuideStatus.PUBLISHED

    @property
    def languages(self) -> list[str]:
        """The languages the guide is written in: English, and Nepali when it has a body."""
        return ["en", "ne"] if self.body_ne else ["en"]

    @property
    def in_page_language(self) -> bool:
        return get_language() in self.languages

    @staticmethod
    def _in_page_language(english: str, nepali: str) -> str:
        return nepali if nepali and get_language() == "ne" else english

    @property
    def display_title(self) -> str:
        return self._in_page_language(self.title, self.title_ne)

    @property
    def display_summary(self) -> str:
        return self._in_page_language(self.summary, self.summary_ne)

    def body_html(self, staff: bool = False):
        """The body (in the page's language where written) as sanitized HTML with its figure
        markers filled in from the data; a marker that cannot be read is dropped, or shown as
        an error to staff previewing."""
        return render_body(self._in_page_language(self.body, self.body_ne), staff=staff)

    def answered_questions(self, staff: bool = False) -> list[tuple[str, str]]:
        """(question, answer as HTML): answers may hold inline figure markers too. Written in
        English only: a page in another language leaves them out."""
        if get_language() != "en":
            return []
        return [(q.question, render_body(q.answer, staff=staff)) for q in self.questions.all()]

    def jsonld(self, url: str, answered: list[tuple[str, str]]) -> list[dict]:
        """schema.org Article, and FAQPage when the guide answers questions."""
        article = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.display_title,
            "description": self.display_summary,
            "inLanguage": get_language() if self.in_page_language else "en",
            "author": {"@type": "Organization", "name": self.author},
            "publisher": {"@type": "Organization", "name": "Talab"},
            "datePublished": self.published_on.isoformat() if self.published_on else None,
            "dateModified": self.updated_at.isoformat(),
            "mainEntityOfPage": url,
        }
        if not answered:
            return [article]
        questions = [
            {"@type": "Question", "name": question,
             "acceptedAnswer": {"@type": "Answer", "text": html_as_text(answer)}}
            for question, answer in answered
        ]  # fmt: skip
        faq = {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": questions}
        return [article, faq]


class GuideQuestion(models.Model):
    """A question the guide answers, shown at its end and given to search engines (FAQPage)."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="questions")
    question = models.CharField(max_length=200)
    answer = models.TextField(help_text="Markdown; inline figure markers allowed")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.question

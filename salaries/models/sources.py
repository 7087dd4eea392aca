"""Where salary facts come from: sources, and the import runs that brought a file's rows in.

A fact always cites its source; an import batch records which file, with what hash and how
many rows, so that imports can be audited.
"""

from django.db import models

from salaries.models.reference import SourceKind


class SourceQuerySet(models.QuerySet):
    def with_fact_counts(self):
        return self.annotate(
            observations=models.Count("salaryobservation", distinct=True),
            ranges=models.Count("publishedrange", distinct=True),
        )


class Source(models.Model):
    key = models.SlugField(max_length=80, unique=True, help_text="Stable identifier for loaders")
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(help_text="Year of publication or collection")
    url = models.URLField(blank=True)
    licence = models.CharField(max_length=100, blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def citation(self) -> str:
        who = self.author or self.publisher
        when = self.published_on.isoformat() if self.published_on else str(self.year)
        parts = [f"“{self.title}”", who, when, self.licence]
        return ", ".join(part for part in parts if part)


class ImportBatch(models.Model):
    """One run of import_salaries: what file, how many rows, so imports can be audited."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField()
    rows_added = models.PositiveIntegerField()
    rows_rejected = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "import batches"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

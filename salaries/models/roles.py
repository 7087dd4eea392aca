"""Roles: the canonical list visitors choose from, and the titles sources use for them.

Survey titles vary ("Lead Machine Learning Engineer", "ML Infrastructure Engineer", "Bear
Robotics"). Each is an alias of one canonical role, with the level the title holds, if any;
titles that name no role ("Engineer", "Manager", a company) are filed under the one general
role, counted in figures across roles but never offered or shown as a role. The mapping ships
in salaries/seed/roles.csv and role_titles.csv (README, "Data"); moderators edit it in the admin.
"""

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.dispatch import Signal
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language

from salaries.models.reference import Level, SluggedModel

# Sent before a merged role is deleted, with old= and new= roles.
role_merged = Signal()

GENERAL_ROLE_SLUG = "unspecified"
GENERAL_ROLE_NAME = "Unspecified role"


class RoleFamily(models.TextChoices):
    ML_AI = "ml_ai", "Machine learning and AI"
    DATA_SCIENCE = "data_science", "Data science"
    DATA_ENGINEERING = "data_engineering", "Data engineering"
    ANALYTICS = "analytics", "Analytics and BI"
    RESEARCH = "research", "Research"
    LEADERSHIP = "leadership", "Leadership"
    OTHER = "other", "Other"


class RoleQuerySet(models.QuerySet):
    def named(self, text: str):
        """The role with this title or slug, or known by it as an alias, ignoring case; None
        when we have none. A title or slug wins over another role's alias."""
        text = text.strip()
        if not text or "\x00" in text:
            return None  # no title is empty or has a NUL, and PostgreSQL refuses one in a query
        return (
            self.filter(
                Q(name__iexact=text) | Q(name_ne__iexact=text) | Q(slug=text.lower())
            ).first()
            or self.filter(aliases__name__iexact=text).first()
        )

    def listed(self):
        """Roles a visitor may choose or see: every one but the general role."""
        return self.filter(general=False)

    def general_role(self) -> "Role":
        return self.get_or_create(
            general=True, defaults={"name": GENERAL_ROLE_NAME, "slug": GENERAL_ROLE_SLUG}
        )[0]

    def for_titles(self, titles) -> dict[str, tuple["Role", str]]:
        """{title, lower-cased: (its role, the level the title holds or "")} for source
        titles: by alias (with its level), else by a role's own name; a title we do not know
        is filed under the general role until a moderator maps it."""
        keys = {title.lower() for title in titles}
        found = {
            alias.name.lower(): (alias.role, alias.level)
            for alias in RoleAlias.objects.annotate(key=Lower("name"))
            .filter(key__in=keys)
            .select_related("role")
        }
        for role in self.annotate(key=Lower("name")).filter(key__in=keys - set(found)):
            found[role.name.lower()] = (role, "")
        if keys - set(found):
            general = self.general_role()
            found.update({key: (general, "") for key in keys - set(found)})
        return found


class Role(SluggedModel):
    name = models.CharField("job title", max_length=120, unique=True)
    name_ne = models.CharField(
        "job title in Nepali", max_length=120, blank=True,
        help_text="Shown on the Nepali pages; empty: the English title is shown there too",
    )  # fmt: skip
    slug = models.SlugField(max_length=130, unique=True)
    family = models.CharField(max_length=20, choices=RoleFamily.choices, default=RoleFamily.OTHER)
    general = models.BooleanField(
        default=False,
        help_text="Holds source titles that name no role (“Engineer”, a company's name): counted "
        "in figures across roles, never offered or shown as a role of its own",
    )

    objects = RoleQuerySet.as_manager()

    reserved_slugs = ("submit", "find", "reports")  # /salaries/submit/ and so on are not roles

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="role_slug_not_empty"),
            models.UniqueConstraint(
                fields=["general"], condition=Q(general=True), name="role_one_general"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The title in the page's language: the Nepali one on Nepali pages, where written."""
        return self.name_ne if self.name_ne and get_language() == "ne" else self.name

    def get_absolute_url(self):
        return reverse("salaries:role", args=[self.slug])

    @transaction.atomic
    def merge_into(self, target: "Role") -> list[str]:
        """Fold this role into `target`: its facts move over and its title becomes an alias.
        Facts that would clash are folded, and the notes returned say how: a pay gap between
        the two roles is dropped (a role is not paid more than itself), a published range
        that `target` already has is kept once."""
        if target.pk == self.pk:
            raise ValueError("A role cannot be merged into itself")
        # Looked up by name: facts and reports import this module, so it cannot import them.
        SalaryObservation = apps.get_model("salaries", "SalaryObservation")
        PublishedRange = apps.get_model("salaries", "PublishedRange")
        PublishedPayGap = apps.get_model("salaries", "PublishedPayGap")
        SalaryReport = apps.get_model("salaries", "SalaryReport")
        notes = []
        between = PublishedPayGap.objects.filter(
            Q(role=self, compared_to=target) | Q(role=target, compared_to=self)
        )
        for gap in between:
            notes.append(f"Dropped the pay gap “{gap.label}”: it compared {self} with {target}.")
        between.delete()
        for duplicate in self.ranges_target_has(target):
            notes.append(f"Kept once the published range “{duplicate.label}”, which both had.")
            duplicate.delete()
        SalaryObservation.objects.filter(role=self).update(role=target)
        PublishedRange.objects.filter(role=self).update(role=target)
        PublishedPayGap.objects.filter(role=self).update(role=target)
        PublishedPayGap.objects.filter(compared_to=self).update(compared_to=target)
        SalaryReport.objects.filter(role=self).update(role=target)
        # Other apps (career guides) point at roles too; salaries does not know them.
        role_merged.send(sender=Role, old=self, new=target)
        self.aliases.update(role=target)
        RoleAlias.objects.get_or_create(name=self.name, defaults={"role": target})
        self.delete()
        return notes

    def ranges_target_has(self, target: "Role"):
        """This role's published ranges that `target` has too, the same in every other way
        (compared in Python: empty fields must match empty fields, which SQL's = does not)."""
        PublishedRange = apps.get_model("salaries", "PublishedRange")
        same = [
            "source", "country", "city", "region", "level", "years_min", "industry",
            "pay_basis", "employment_type", "period", "currency", "low", "high",
        ]  # fmt: skip
        theirs = set(PublishedRange.objects.filter(role=target).values_list(*same))
        mine = PublishedRange.objects.filter(role=self).values_list("pk", *same)
        return PublishedRange.objects.filter(
            pk__in=[pk for pk, *fields in mine if tuple(fields) in theirs]
        )


class RoleAliasQuerySet(models.QuerySet):
    def refile(self) -> int:
        """File the survey rows under these titles by their aliases: the alias's role, and its
        level when the title holds one. After aliases are loaded or edited; one UPDATE, joined
        on the title. Returns how many rows moved."""
        table = apps.get_model("salaries", "SalaryObservation")._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} o SET role_id = a.role_id, "  # noqa: S608
                "level = CASE WHEN a.level <> '' THEN a.level ELSE o.level END "
                f"FROM {RoleAlias._meta.db_table} a "
                "WHERE a.id = ANY(%s) AND lower(o.source_title) = lower(a.name) "
                "AND (o.role_id <> a.role_id OR (a.level <> '' AND o.level <> a.level))",
                [list(self.values_list("pk", flat=True))],
            )
            return cursor.rowcount


class RoleAlias(models.Model):
    """A title a source uses for a role: "Lead Machine Learning Engineer" is a machine learning
    engineer at lead level. Survey rows with the title are filed under the role, at the
    title's level when it holds one."""

    name = models.CharField(max_length=120, help_text="The title exactly as a source gives it")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="aliases")
    level = models.CharField(
        max_length=10, choices=Level.choices, blank=True,
        help_text="The level the title itself holds (Junior, Senior, Lead, Principal, Staff, "
        "Head of...); its survey rows are filed at it. Empty: the source's own level",
    )  # fmt: skip
    slug = models.SlugField(max_length=130, blank=True, editable=False, db_index=True)

    objects = RoleAliasQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "role aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="role_alias_unique_name"),
        ]

    def __str__(self):
        return f"{self.name} → {self.role}"

    def save(self, *args, **kwargs):
        # The address a role page had under this title, so an old link can be sent on.
        self.slug = slugify(self.name)[:130]
        super().save(*args, **kwargs)

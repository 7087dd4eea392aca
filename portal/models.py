"""Mechanisms several apps share: private links and limits that hold across workers."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext

if TYPE_CHECKING:  # the type checker's only (django-stubs-ext is a dev tool)
    from django_stubs_ext import StrOrPromise

from portal.clients import client_address


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PrivateLinkQuerySet(models.QuerySet):
    def by_link(self, token: str):
        """The row whose private link this is, or None. Only a hash of the key is stored, so
        the database alone gives no link away."""
        if not token or len(token) > 64:
            return None  # no key, or not one of ours: nothing to look up
        return self.filter(link_hash=digest(token)).first()


class PrivateLink(models.Model):
    """A private, unguessable link (128 random bits) to one row: a submitter's report, an
    employer's posting. Whoever holds the link may act on the row; it has no account."""

    link_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["link_hash"],
                condition=~models.Q(link_hash=""),
                name="%(app_label)s_%(class)s_unique_private_link",
            )
        ]

    def new_link_key(self) -> str:
        """Make (and remember the hash of) a new key; the caller shows it once, in a URL."""
        token = secrets.token_urlsafe(16)
        self.link_hash = digest(token)
        return token


def weighted_search_vector(title: str, summary: str, body: str) -> models.GeneratedField:
    """A column PostgreSQL keeps up to date with the words of three text columns, weighted A,
    B and C (English stemming), for full-text search with a GIN index."""
    return models.GeneratedField(
        expression=SearchVector(title, weight="A", config="english")
        + SearchVector(summary, weight="B", config="english")
        + SearchVector(body, weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )


def client_key(request, scope: str) -> str:
    """A keyed hash of the client's address: enough to count requests, not to find anyone."""
    address = client_address(request)
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"{scope}:{address}".encode(), hashlib.sha256).hexdigest()


class Counter(models.Model):
    """How often a key was counted in a time window. One row per key and window, incremented
    in the statement that reads it, so parallel requests in any worker cannot overshoot."""

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="counter_unique_window")
        ]

    def __str__(self):
        return f"{self.key[:8]}… {self.count} since {self.window_start:%Y-%m-%d %H:%M}"

    @classmethod
    def hit(cls, key: str, limit: int, window: timedelta):
        """Count one more for `key` in the current window. Returns None when within the limit,
        else when the window ends (and the caller may try again)."""
        now = timezone.now()
        seconds = int(window.total_seconds())
        start = now - timedelta(
            seconds=int(now.timestamp()) % seconds, microseconds=now.microsecond
        )
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
                "ON CONFLICT (key, window_start) DO UPDATE SET count = "
                f"{table}.count + 1 RETURNING count",
                [key, start],
            )
            count = cursor.fetchone()[0]
        return None if count <= limit else start + window

    @classmethod
    def recent(cls, key: str, window: timedelta) -> int:
        """How many were counted for `key` in the current and the previous window (between one
        and two windows' time)."""
        since = timezone.now() - 2 * window
        return (
            cls.objects.filter(key=key, window_start__gte=since).aggregate(n=models.Sum("count"))[
                "n"
            ]
            or 0
        )

    @classmethod
    def forget_before(cls, moment) -> int:
        return cls.objects.filter(window_start__lt=moment).delete()[0]


def over_hourly_limit(request, scope: str, limit: int, noun: "StrOrPromise") -> str | None:
    """Count one more `noun` (in the visitor's language) from this client in the hour; None
    within `limit`, else what to tell them. Counted only once a form is accepted, in one
    atomic step: typos cost nothing, and parallel posts from any number of workers cannot
    slip past the limit."""
    retry_at = Counter.hit(f"{scope}:{client_key(request, scope)}", limit, timedelta(hours=1))
    if retry_at is None:
        return None
    return gettext(
        "We have had %(limit)s %(noun)s from your connection this hour. You can send this one "
        "after %(time)s (UTC); what you typed is kept below."
    ) % {
        "limit": limit,
        "noun": noun,
        "time": f"{timezone.localtime(retry_at):%H:%M}",
    }

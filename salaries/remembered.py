"""Remembering computed figures until the data behind them changes."""

import hashlib
import time
from contextlib import nullcontext

from django.core.cache import cache
from django.utils.translation import get_language

from portal import versions
from portal.routers import primary_reads, replica_lag_ns
from salaries.models.reference import SourceKind

# Figures are remembered under the data versions of their scope (portal.versions): a saved
# or deleted observation moves its role's and country's versions and "all"; every other write
# (rates, roles, published ranges, imports and other bulk writes) moves the reference
# version, which retires everything.
# Bump when the shape of what views remember changes, so that no server reads figures that a
# server running other code wrote (gunicorn also moves the reference version when it starts).
FORMAT = 6
REMEMBER_SECONDS = 24 * 3600
# Counts over every observation (filter options, the home page's totals, the sources table)
# take a second at a million rows. An approved report moves them by one at most, so they are
# not recomputed for every moderation decision: they follow the reference version, and catch
# up with reports within COUNTS_SECONDS.
COUNTS = "counts"
COUNTS_SECONDS = 10 * 60


def is_report(instance) -> bool:
    """An observation made from a report sent to Talab (in no figure until a release)."""
    source = getattr(instance, "source", None) if hasattr(instance, "source_id") else None
    return source is not None and source.kind == SourceKind.USER_REPORT


def data_changed(sender=None, instance=None, **kwargs) -> None:
    """Retire what a write can change: an observation's group, or else everything. A report's
    observation is in no figure here: its figures change at a release (figures.releases),
    and retiring pages at its approval would tell the moment by their timing."""
    if is_report(instance):
        return
    country = getattr(instance, "employee_country", None)  # a django_countries Country
    if country and getattr(instance, "role_id", None):
        versions.move(*versions.scopes_of_group(instance.role.slug, str(country)))
    else:
        versions.move(versions.REFERENCE)


def group_left(sender, instance, **kwargs) -> None:
    """Before an observation is saved: an edit that moves it to another role or country
    changes its old group's figures too."""
    if instance.pk and not is_report(instance):
        old = sender.objects.filter(pk=instance.pk).values_list("role__slug", "employee_country")
        for role_slug, country in old:
            versions.move(*versions.scopes_of_group(role_slug, country))


def remembered(key: str, compute, scope: str = versions.ALL, seconds: int = REMEMBER_SECONDS):
    """compute() once per key and data version of its scope; later calls read the cache
    (for at most `seconds`)."""
    stamp = versions.stamp(scope)
    # Per language: figures carry words (level and country names) in the page's language.
    digest = hashlib.sha256(f"{scope}|{get_language()}|{key}".encode()).hexdigest()
    full_key = f"salaries:figures:{FORMAT}:{':'.join(map(str, stamp))}:{digest}"
    value = cache.get(full_key)
    if value is None:
        # Just changed: a replica may not have the change yet, so compute from the primary.
        fresh = time.time_ns() - max(stamp) < replica_lag_ns()
        with primary_reads() if fresh else nullcontext():
            value = compute()
        cache.set(full_key, value, seconds)
    return value

"""The moderation queue two apps share: salary reports and job postings wait for a moderator,
who approves or rejects them; every decision is kept in an audit trail.

A moderated model subclasses `Moderated` and sets `noun`; its event model subclasses
`ModerationEventBase` and names the foreign key to the item in `item_field`. The admin side
is `portal.admin.ModerationAdmin`.
"""

import logging
from functools import partial

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from portal.models import PrivateLinkQuerySet

MODERATORS = "Moderators"
PENDING = "pending"  # the status of an item in the queue, in every moderated model

moderation_log = logging.getLogger("talab.moderation")

# "app_label.codename" of every permission the Moderators group holds; each app adds its own
# in AppConfig.ready() (least privilege: they read what was sent and decide, nothing more).
moderator_permissions: set[str] = set()


def grant_to_moderators(*permissions: str) -> None:
    moderator_permissions.update(permissions)


def ensure_moderators_group(sender=None, using="default", **kwargs):
    """After every app's migrations (when its permissions exist), give the group exactly the
    permissions the apps asked for."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.using(using).get_or_create(name=MODERATORS)
    wanted = Q(pk__in=[])
    for permission in moderator_permissions:
        app_label, codename = permission.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.using(using).filter(wanted))


class AlreadyDecided(ValueError):
    """Someone else decided the item first (two moderators, one queue), or its sender took
    it back meanwhile."""


class ModeratedQuerySet(PrivateLinkQuerySet):
    def pending(self):
        return self.filter(status=PENDING)


class Moderated(models.Model):
    """Something a visitor sent that a moderator decides on. The subclass has a `status`
    field whose queue value is PENDING, and an `events` relation to its audit trail."""

    noun = "Item"  # "Report 12 was already approved…"

    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=12, blank=True)  # choices: the subclass's
    moderator_note = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    def lock_pending(self):
        """Lock the row, so two moderators cannot decide the same item at once."""
        current = type(self).objects.select_for_update().filter(pk=self.pk).first()
        if current is None:
            raise AlreadyDecided(f"{self.noun} {self.pk} was withdrawn by its sender meanwhile.")
        if current.status != PENDING:
            raise AlreadyDecided(current.decision_text)
        return current

    @property
    def decision_text(self) -> str:
        """ "Report 12 was already approved by asha at 24 Nov 2026 12:03." (read after the lock,
        so it names whoever decided)."""
        status = self.get_status_display().lower()
        if not self.moderated_at:
            return f"{self.noun} {self.pk} is already {status}."
        when = timezone.localtime(self.moderated_at).strftime("%d %b %Y %H:%M")
        return f"{self.noun} {self.pk} was already {status} by {self.moderated_by} at {when}."

    def decide(self, by, status, reason="", note="", **fields):
        """Record a moderator's decision on the row (locked by the caller) and in the trail."""
        self.status, self.moderated_by, self.moderated_at = status, by, timezone.now()
        self.rejection_reason, self.moderator_note = reason, note[:300]
        for name, value in fields.items():
            setattr(self, name, value)
        self.save()
        self.events.model.record(self, status, by, reason=reason, note=self.moderator_note)


class ModerationEventBase(models.Model):
    """One line of an audit trail: who did what to which item, when and why. It outlives a
    withdrawn item (by its number) and never holds pay. `by` is empty when the sender acted
    through their private link."""

    item_field = "item"  # the subclass's foreign key to what was decided

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the sender acted through their private link",
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["-at"]

    def __str__(self):
        who = self.by or "the sender"
        number = getattr(self, f"{self.item_field}_number")
        return f"{who}: {self.action} {self.item_field} {number} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, item, action, by, reason="", note=""):
        event = cls.objects.create(
            **{cls.item_field: item, f"{cls.item_field}_number": item.pk},
            action=action, by=by, reason=reason, note=note,
        )  # fmt: skip
        # Logged once the decision holds (a rolled back one never happened); ids only: the
        # note is free text and could name someone.
        fields = {
            "model": item._meta.label_lower,
            "object_id": item.pk,
            "action": str(action),
            "moderator_id": by.pk if by else None,
            "reason": reason or None,
        }
        transaction.on_commit(
            partial(moderation_log.info, "moderation", extra=fields), using=router.db_for_write(cls)
        )
        return event

"""The moderation state machine two apps share: salary reports and job postings wait for a
moderator, who approves or rejects them; their senders may take them back; every step is kept
in an audit trail.

A moderated model subclasses `Moderated`, sets `noun` and lists its `transitions` (from status,
action, to status, who may); its event model subclasses `ModerationEventBase`, names the
foreign key to the item in `item_field` and its `Action` choices (what the trail records,
never a status). The admin side is `portal.admin.ModerationAdmin`.
"""

import enum
import functools
import logging
import operator
from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

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


class NotAllowed(ValueError):
    """The item's transition table does not let this actor take this action from its status."""


class AlreadyDecided(NotAllowed):
    """The actor may take this action, but not from the item's status now: someone else
    decided it first (two moderators, one queue), or its sender took it back meanwhile."""


class Vanished(AlreadyDecided):
    """The item is no longer there: its sender withdrew it (a report is deleted then)."""


class Actor(enum.Flag):
    """Who may take a step: rows of a transition table combine them (MODERATOR | SYSTEM)."""

    MODERATOR = enum.auto()  # in the admin
    SENDER = enum.auto()  # the submitter or the employer, through their private link
    SYSTEM = enum.auto()  # Talab itself: imports and the nightly jobs

    @property
    def label(self) -> str:
        names = {"MODERATOR": "a moderator", "SENDER": "its sender", "SYSTEM": "Talab itself"}
        return " or ".join(names[actor.name] for actor in self)


class Transition(NamedTuple):
    """One row of a moderated model's table: from the status `source`, `who` may take
    `action` (what the audit trail records: an action, never a status), which leaves the item
    in the status `target`. A `source` of None: the item is created so; a `target` of None: it
    is deleted."""

    source: str | None
    action: str
    target: str | None
    who: Actor

    def decides(self, actor: Actor) -> bool:
        """A step out of the queue taken by anyone but the sender is a decision."""
        return (
            self.source == PENDING and self.target not in (PENDING, None) and actor != Actor.SENDER
        )


class ModeratedQuerySet(PrivateLinkQuerySet):
    def pending(self):
        return self.filter(status=PENDING)


class Moderated(models.Model):
    """Something a visitor sent that a moderator decides on. The subclass has a `status`
    field whose queue value is PENDING, an `events` relation to its audit trail, and its
    `transitions`: every step it may take, by whom. A step out of the queue taken by anyone
    but the sender is a decision: it names its moderator (none for the system) and time.

    Every step goes the same way, inside `transaction.atomic`: `current = self.locked_for(
    action, actor)` locks the row and checks the table, then `current.move(action, actor, by,
    ...)` changes the locked row and writes the action to the audit trail."""

    noun = "Item"  # "Report 12 was already approved…"
    transitions: Sequence[Transition] = ()

    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=12, blank=True)  # choices: the subclass's
    moderator_note = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    # The transition table ----------------------------------------------------------------

    @classmethod
    def step_from(cls, status, action, actor: Actor) -> Transition | None:
        for step in cls.transitions:
            if (step.source, step.action) == (status, action) and actor in step.who:
                return step
        return None

    def actions_for(self, actor: Actor) -> list[str]:
        """The actions the table lets `actor` take on the item as it stands."""
        return [s.action for s in self.transitions if s.source == self.status and actor in s.who]

    def check_step(self, action, actor: Actor) -> Transition:
        """The row of the table for this step from the item's status, or why not."""
        step = self.step_from(self.status, action, actor)
        if step is not None:
            return step
        if not any(s.action == action and actor in s.who for s in self.transitions):
            who = functools.reduce(operator.or_, (s.who for s in self.transitions
                                                  if s.action == action), Actor(0))  # fmt: skip
            label = who.label[:1].upper() + who.label[1:] if who else "Nobody"
            raise NotAllowed(f"{label} may take the action “{action}” on {self.noun.lower()} "
                             f"{self.pk}, not {actor.label}.")  # fmt: skip
        raise AlreadyDecided(self.decision_text)

    # The one way a step is taken ---------------------------------------------------------

    def locked(self):
        """The row as it is now, locked until the transaction ends (the caller's `atomic`):
        two moderators, or a moderator and the sender, never act on it at once."""
        return type(self).objects.select_for_update().get(id=self.id)

    def locked_for(self, action, actor: Actor):
        """The row, locked, if the table lets `actor` take `action` from its status now."""
        try:
            current = self.locked()
        except self.DoesNotExist:
            gone = f"{self.noun} {self.pk} was withdrawn by its sender meanwhile."
            raise Vanished(gone) from None
        current.check_step(action, actor)
        return current

    def move(self, action, actor: Actor, by=None, *, reason="", note="", **fields) -> None:
        """Take a step on the row (locked by `locked_for`): its new status and `fields` are
        saved, or the row deleted, and the action is written to the audit trail."""
        step = self.check_step(action, actor)
        note = note[:300]
        changed = list(fields)
        if step.decides(actor):
            fields.update(moderated_by=by, moderated_at=timezone.now(), rejection_reason=reason,
                          moderator_note=note)  # fmt: skip
            changed += ["moderated_by", "moderated_at", "rejection_reason", "moderator_note"]
        self.events.model.record(self, step.action, by, reason=reason, note=note)
        if step.target is None:
            self.delete()
            return
        self.status = step.target
        for name, value in fields.items():
            setattr(self, name, value)
        auto_now = [f.name for f in self._meta.concrete_fields if getattr(f, "auto_now", False)]
        self.save(update_fields={"status", *changed, *auto_now})

    def created(self, action, actor: Actor, by=None, note="") -> None:
        """Write to the audit trail how a new item (just saved) came in, as the table says."""
        if not any(s.source is None and (s.action, s.target) == (action, self.status)
                   and actor in s.who for s in self.transitions):  # fmt: skip
            raise NotAllowed(f"{self.noun} {self.pk} cannot come in so.")
        self.events.model.record(self, action, by, note=note)

    @property
    def decision_text(self) -> str:
        """ "Report 12 was already approved by asha at 24 Nov 2026 12:03." (read after the lock,
        so it names whoever decided; a status no decision leads to names nobody)."""
        status = self.get_status_display().lower()
        decided = {s.target for s in self.transitions if any(s.decides(a) for a in s.who)}
        if not self.moderated_at or self.status not in decided:
            return f"{self.noun} {self.pk} is already {status}."
        when = timezone.localtime(self.moderated_at).strftime("%d %b %Y %H:%M")
        who = self.moderated_by or Actor.SYSTEM.label
        return f"{self.noun} {self.pk} was already {status} by {who} at {when}."


class ModerationEventBase(models.Model):
    """One line of an audit trail: who did what to which item, when and why. It outlives a
    withdrawn item (by its number) and never holds pay. `by` is empty when the sender acted
    through their private link."""

    item_field = "item"  # the subclass's foreign key to what was decided
    Action: type[models.TextChoices]  # what happened: the subclass's choices for `action`

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
        if isinstance(action, enum.Enum) and not isinstance(action, cls.Action):
            raise TypeError(f"{action!r} is not one of {cls.__name__}'s actions")
        action = cls.Action(action)  # a value no action has is refused here
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

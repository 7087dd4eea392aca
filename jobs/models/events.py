"""The postings' audit trail."""

from django.db import models
from django.db.models import Q

from jobs.models.choices import PostingAction, PostingRejection
from jobs.models.postings import JobPosting
from portal.moderation import ModerationEventBase


class PostingEvent(ModerationEventBase):
    """The postings' audit trail (see ModerationEventBase); `by` is empty for what the
    employer did through their link and for what Talab did itself (imports, the nightly
    expiry)."""

    item_field = "posting"
    Action = PostingAction

    posting = models.ForeignKey(
        JobPosting, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    posting_number = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=12, choices=PostingRejection.choices, blank=True)

    class Meta(ModerationEventBase.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["rejected"]) | Q(by__isnull=False),
                name="posting_event_rejection_has_a_moderator",
            )
        ]

"""The moderation state machine (portal.moderation) that salary reports and job postings share:
what each transition table refuses, and what the audit trail records."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from jobs.models import JobPosting, PostingAction, PostingEvent, PostingStatus
from jobs.views import EMPLOYER_BUTTONS
from portal.moderation import Actor, AlreadyDecided, NotAllowed, Vanished
from salaries.models import (
    ModerationEvent,
    ReportAction,
    ReportStatus,
    Role,
    SalaryReport,
)
from tests.factories import JobPostingFactory, RoleFactory

pytestmark = pytest.mark.usefixtures("reference_data")

MANAGE = "/jobs/manage/"
DECIDED = r"was already {status} by {who} at \d\d \w\w\w \d{{4}} \d\d:\d\d\."


@pytest.fixture
def asha(db):
    return User.objects.create_user("asha", is_staff=True)


def a_report(**fields) -> SalaryReport:
    return SalaryReport.objects.create(**{
        "role": RoleFactory(name="Data Scientist"), "country": "NP", "level": "mid",
        "years_experience": 4, "employment_type": "full_time", "year": 2025, "period": "year",
        "currency_id": "NPR", "amount": Decimal(2_000_000), **fields,
    })  # fmt: skip


def a_posting(status=PostingStatus.PENDING, **fields) -> JobPosting:
    """An employer's posting; dated only in a status publication leads to."""
    shown = status in (PostingStatus.PUBLISHED, PostingStatus.EXPIRED, PostingStatus.FILLED)
    if status == PostingStatus.REJECTED:
        fields.setdefault("rejection_reason", "spam")
    return JobPostingFactory(status=status, date_posted=date.today() if shown else None, **fields)


def employer_of(posting: JobPosting) -> Client:
    """The employer's browser, with their private link open."""
    key = posting.new_link_key()
    posting.save()
    client = Client()
    exchanged = client.post(MANAGE, {"private_link": key})
    assert (exchanged.status_code, exchanged["Location"]) == (303, MANAGE)
    return client


def steps(model) -> set:
    return {(s.source, s.action, s.target, s.who) for s in model.transitions}


# The tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, statuses, actions",
    [(SalaryReport, ReportStatus, ReportAction), (JobPosting, PostingStatus, PostingAction)],
)
def test_each_table_leads_from_statuses_by_actions_to_statuses(model, statuses, actions):
    for step in model.transitions:
        assert step.source is None or isinstance(step.source, statuses)
        assert step.target is None or isinstance(step.target, statuses)
        assert isinstance(step.action, actions), f"{step.action!r} is not an action"
        assert step.who and isinstance(step.who, Actor)
    assert len(steps(model)) == len(model.transitions)  # no row twice


def test_the_report_table():
    S, A = ReportStatus, ReportAction
    assert steps(SalaryReport) == {
        (S.PENDING, A.ROLE_MAPPED, S.PENDING, Actor.MODERATOR),
        (S.PENDING, A.APPROVED, S.APPROVED, Actor.MODERATOR),
        (S.PENDING, A.REJECTED, S.REJECTED, Actor.MODERATOR),
        (S.PENDING, A.WITHDRAWN, None, Actor.SENDER),
        (S.APPROVED, A.WITHDRAWN, None, Actor.SENDER),
        (S.REJECTED, A.WITHDRAWN, None, Actor.SENDER),
    }


def test_the_employers_buttons_are_the_tables_steps_for_a_sender():
    from_table = {s.action for s in JobPosting.transitions if s.source and Actor.SENDER in s.who}
    assert set(EMPLOYER_BUTTONS.values()) == from_table
    for status in PostingStatus:
        posting = JobPosting(status=status)
        allowed = {s.action for s in JobPosting.transitions
                   if s.source == status and Actor.SENDER in s.who}  # fmt: skip
        assert set(posting.actions_for(Actor.SENDER)) == allowed


@pytest.mark.parametrize(
    "status, buttons",
    [
        (PostingStatus.DRAFT, ["send", "withdraw"]),
        (PostingStatus.PENDING, ["withdraw"]),
        (PostingStatus.PUBLISHED, ["filled", "withdraw"]),
        (PostingStatus.EXPIRED, ["filled"]),
        (PostingStatus.FILLED, []),
        (PostingStatus.REJECTED, []),
        (PostingStatus.WITHDRAWN, []),
    ],
)
def test_the_employers_page_shows_the_buttons_the_table_allows(status, buttons):
    client = employer_of(a_posting(status))
    page = client.get(MANAGE).content.decode()
    shown = re.findall(r'<button type="submit" name="action" value="(\w+)"', page)
    assert [name for name in shown if name != "save"] == buttons


# What the tables refuse ------------------------------------------------------------------


def test_an_employer_cannot_approve_their_posting():
    posting = a_posting()
    with pytest.raises(NotAllowed, match="A moderator or Talab itself may take the action") as no:
        posting.by_employer(PostingAction.APPROVED)
    assert not isinstance(no.value, AlreadyDecided)
    assert "not its sender" in str(no.value)
    client = employer_of(posting)
    client.post(MANAGE, {"action": "approve"})
    client.post(MANAGE, {"action": "approved"})
    posting.refresh_from_db()
    assert (posting.status, posting.date_posted) == (PostingStatus.PENDING, None)
    assert not posting.events.exists()


def test_an_employer_cannot_reject_or_expire_their_posting():
    posting = a_posting()
    for action in (PostingAction.REJECTED, PostingAction.EXPIRED):
        with pytest.raises(NotAllowed):
            posting.by_employer(action)
    assert JobPosting.objects.get().status == PostingStatus.PENDING


def test_a_moderator_cannot_withdraw_a_report_for_its_sender(asha):
    report = a_report()
    with transaction.atomic(), pytest.raises(NotAllowed, match="Its sender may take") as no:
        report.locked_for(ReportAction.WITHDRAWN, Actor.MODERATOR)
    assert "not a moderator" in str(no.value)
    report.approve(by=asha)
    with transaction.atomic(), pytest.raises(NotAllowed, match="Its sender may take"):
        report.locked_for(ReportAction.WITHDRAWN, Actor.MODERATOR)
    assert SalaryReport.objects.filter(pk=report.pk).exists()
    assert list(ModerationEvent.objects.values_list("action", flat=True)) == ["approved"]


def test_a_sender_cannot_decide_on_their_own_report():
    report = a_report()
    for action in (ReportAction.APPROVED, ReportAction.REJECTED, ReportAction.ROLE_MAPPED):
        with transaction.atomic(), pytest.raises(NotAllowed, match="A moderator may take"):
            report.locked_for(action, Actor.SENDER)
    assert SalaryReport.objects.get().status == ReportStatus.PENDING


def test_a_decided_report_cannot_be_decided_again(asha):
    report = a_report()
    report.approve(by=asha)
    assert report.status == ReportStatus.APPROVED  # the caller's object follows the row
    other = User.objects.create_user("other", is_staff=True)
    for decide in (
        lambda: report.approve(by=other),
        lambda: report.reject(other, "spam"),
        lambda: report.map_to_role(Role.objects.first(), by=other),
    ):
        with pytest.raises(AlreadyDecided) as no:
            decide()
        assert str(no.value).startswith(f"Report {report.pk} ")
        assert re.search(DECIDED.format(status="approved", who="asha"), str(no.value))
    report.refresh_from_db()
    assert (report.status, report.moderated_by) == (ReportStatus.APPROVED, asha)
    assert ModerationEvent.objects.count() == 1


def test_a_rejected_posting_cannot_be_published_nor_rejected_again(asha):
    posting = a_posting()
    posting.reject(asha, "spam", "no")
    for decide in (lambda: posting.approve(by=asha), lambda: posting.reject(asha, "range")):
        with pytest.raises(AlreadyDecided, match=DECIDED.format(status="rejected", who="asha")):
            decide()
    posting.refresh_from_db()
    assert (posting.status, posting.rejection_reason) == (PostingStatus.REJECTED, "spam")


def test_a_withdrawn_posting_cannot_be_published(asha):
    posting = a_posting()
    assert posting.withdraw()
    with pytest.raises(AlreadyDecided, match=rf"^Posting {posting.pk} is already withdrawn\.$"):
        posting.approve(by=asha)
    with pytest.raises(AlreadyDecided):
        posting.approve(by=None)  # nor by an import
    posting.refresh_from_db()
    assert (posting.status, posting.date_posted) == (PostingStatus.WITHDRAWN, None)
    assert list(posting.events.values_list("action", flat=True)) == ["withdrawn"]


def test_a_posting_withdrawn_after_publication_names_no_moderator_as_its_withdrawer(asha):
    posting = a_posting()
    posting.approve(by=asha)
    assert posting.withdraw()
    with pytest.raises(AlreadyDecided) as no:
        posting.approve(by=asha)
    assert str(no.value) == f"Posting {posting.pk} is already withdrawn."


def test_an_employer_step_the_status_no_longer_allows_changes_nothing():
    posting = a_posting(PostingStatus.DRAFT)
    assert not posting.mark_filled()  # not published yet
    assert posting.withdraw()
    assert not posting.send_for_review()  # withdrawn meanwhile: the page says "late"
    assert not posting.withdraw()  # a second click
    assert list(posting.events.values_list("action", flat=True)) == ["withdrawn"]


def test_the_nightly_expiry_leaves_what_the_employer_closed_first():
    past = date.today() - timedelta(days=70)
    due = JobPostingFactory(date_posted=past, valid_through=past + timedelta(60))
    filled = JobPostingFactory(date_posted=past, valid_through=past + timedelta(60))
    stale = JobPosting.objects.get(pk=filled.pk)
    filled.mark_filled()
    assert stale.status == PostingStatus.PUBLISHED  # what the nightly job read
    with transaction.atomic(), pytest.raises(AlreadyDecided):
        stale.locked_for(PostingAction.EXPIRED, Actor.SYSTEM)
    assert JobPosting.expire_due() == 1
    due.refresh_from_db()
    filled.refresh_from_db()
    assert (due.status, filled.status) == (PostingStatus.EXPIRED, PostingStatus.FILLED)
    assert due.closed_at and filled.closed_at


def test_a_withdrawn_report_is_gone_for_every_later_step(asha):
    report = a_report()
    stale = SalaryReport.objects.get(pk=report.pk)
    report.withdraw()
    for step in (lambda: stale.approve(by=asha), lambda: stale.reject(asha, "spam")):
        with pytest.raises(Vanished, match="withdrawn by its sender meanwhile"):
            step()
    stale.withdraw()  # a second click: nothing left to do, and no second event
    assert list(ModerationEvent.objects.values_list("action", flat=True)) == ["withdrawn"]


# The audit trail records actions, never statuses -----------------------------------------


def test_every_audit_event_is_an_action_of_its_table_never_a_status(asha):
    # Postings: every step of the table, by whoever may take it.
    sent = a_posting()
    sent.created(PostingAction.SUBMITTED, Actor.SENDER)
    sent.approve(by=asha)
    sent.mark_filled()
    imported = a_posting(identifier="Himal:1")
    imported.created(PostingAction.IMPORTED, Actor.SYSTEM)
    imported.approve(by=None)
    imported.withdraw()
    draft = a_posting(PostingStatus.DRAFT)
    draft.send_for_review()
    draft.reject(asha, "range")
    a_posting(PostingStatus.DRAFT).withdraw()
    a_posting().withdraw()
    past = date.today() - timedelta(days=70)
    late = JobPostingFactory(date_posted=past, valid_through=past + timedelta(60))
    JobPosting.expire_due()
    late.mark_filled()
    # Reports: filed, approved, withdrawn; rejected, withdrawn; withdrawn while waiting.
    approved = a_report(role=None, role_title="Prompt whisperer")
    approved.map_to_role(Role.objects.get(name="Data Scientist"), by=asha)
    approved.approve(by=asha)
    approved.withdraw()
    rejected = a_report()
    rejected.reject(asha, "spam")
    rejected.withdraw()
    a_report().withdraw()

    for model, event_model in ((JobPosting, PostingEvent), (SalaryReport, ModerationEvent)):
        events = list(event_model.objects.all())
        table_actions = {s.action for s in model.transitions}
        assert {e.action for e in events} == table_actions  # every action, each by the table
        for event in events:
            assert event.action in event_model.Action.values
    posting_trail = list(PostingEvent.objects.order_by("at", "pk").values_list("action", "by"))
    assert ("approved", asha.pk) in posting_trail and ("approved", None) in posting_trail
    assert "published" not in {action for action, _ in posting_trail}
    sent.refresh_from_db()
    assert sent.status == PostingStatus.FILLED and sent.moderated_by == asha


def test_the_audit_trail_refuses_a_status_for_an_action():
    posting = a_posting()
    with pytest.raises(TypeError, match="not one of PostingEvent's actions"):
        PostingEvent.record(posting, PostingStatus.PUBLISHED, None)
    with pytest.raises(ValueError, match="not a valid PostingAction"):
        PostingEvent.record(posting, "published", None)
    with pytest.raises(TypeError):
        ModerationEvent.record(a_report(), ReportStatus.APPROVED, None)
    with pytest.raises(NotAllowed):
        posting.created(PostingAction.APPROVED, Actor.SENDER)  # no one comes in approved
    assert not PostingEvent.objects.exists() and not ModerationEvent.objects.exists()


def test_a_decision_names_its_moderator_and_an_import_names_talab(asha):
    by_hand, on_import = a_posting(), a_posting(identifier="Himal:2")
    by_hand.approve(by=asha, note="x" * 400)
    on_import.approve(by=None)
    assert by_hand.moderated_by == asha and by_hand.moderated_at
    assert len(by_hand.moderator_note) == 300
    assert on_import.moderated_by is None and on_import.moderated_at
    with pytest.raises(AlreadyDecided, match=DECIDED.format(status="published", who="asha")):
        by_hand.approve(by=asha)
    with pytest.raises(
        AlreadyDecided, match=DECIDED.format(status="published", who="Talab itself")
    ):
        on_import.approve(by=asha)
    event = on_import.events.get()
    assert (event.action, event.by, event.note) == ("approved", None, "")

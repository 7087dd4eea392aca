"""The admin as a moderator meets it (issue 27): what waits on the index, Approve and Reject on
an item's page, pay with its currency, no internal fields, possible duplicates flagged, and a
queue whose query count does not grow with its rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobs.models import JobPosting, PostingEvent, PostingStatus
from salaries.models import ModerationEvent, ReportStatus, SalaryReport
from tests.factories import RoleFactory
from tests.test_moderation import a_posting, a_report

pytestmark = pytest.mark.usefixtures("reference_data")

REPORTS = "/admin/salaries/salaryreport/"
POSTINGS = "/admin/jobs/jobposting/"
DUPLICATE_ICON = 'class="field-duplicate"><img src="/static/admin/img/icon-yes'


def page_of(item) -> str:
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def sent_ago(item, **delta):
    """`item` as if it came in `delta` ago (its arrival time is set on creation)."""
    field = "submitted_at" if isinstance(item, SalaryReport) else "created_at"
    type(item).objects.filter(pk=item.pk).update(**{field: timezone.now() - timedelta(**delta)})


def test_the_index_shows_what_waits_and_for_how_long(moderator):
    role = RoleFactory(name="Data Scientist")
    oldest = a_report(role=role)
    sent_ago(oldest, days=3, hours=2)
    a_report(role=role, level="senior", outlier_note="Far above its group")
    a_report(role=role, level="junior").reject(moderator.user, "spam")
    a_posting()

    page = moderator.get("/admin/").content.decode()

    assert "Waiting for review" in page
    assert f'<a href="{REPORTS}">2 pending</a>' in page
    assert f'<a href="{REPORTS}?flagged=any">1 flagged</a>' in page
    assert f'<a href="{REPORTS}">3\xa0days</a>' in page  # timesince: a no-break space
    assert f'<a href="{POSTINGS}">1 pending</a>' in page
    assert f'<a href="{POSTINGS}?flagged=any">0 flagged</a>' in page
    flagged = moderator.get(REPORTS, {"flagged": "any"}).content.decode()
    assert flagged.count('class="action-select"') == 1


def test_a_report_is_approved_from_its_page(moderator):
    report = a_report()
    page = moderator.get(page_of(report)).content.decode()
    assert 'name="_approve"' in page and 'name="_reject"' in page
    assert 'name="_save"' not in page and 'name="_continue"' not in page

    response = moderator.post(page_of(report), {"_approve": "Approve"}, follow=True)

    assert response.redirect_chain[-1][0] == REPORTS
    assert "Approved 1 salary report." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.moderated_by == moderator.user
    assert ModerationEvent.objects.filter(report=report, action="approved", by=moderator.user)
    assert 'name="_approve"' not in moderator.get(page_of(report)).content.decode()


def test_a_report_is_rejected_from_its_page_with_a_reason(moderator):
    report = a_report()
    without = moderator.post(page_of(report), {"_reject": "Reject", "reason": ""}, follow=True)
    assert "Choose a reason to reject it." in without.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING

    moderator.post(page_of(report), {"_reject": "Reject", "reason": "spam", "note": "An advert"})

    report.refresh_from_db()
    assert (report.status, report.rejection_reason) == (ReportStatus.REJECTED, "spam")
    event = ModerationEvent.objects.get(report=report, action="rejected")
    assert (event.by, event.reason, event.note) == (moderator.user, "spam", "An advert")


def test_a_posting_is_approved_or_rejected_from_its_page(moderator):
    approved, rejected = a_posting(title="To approve"), a_posting(title="To reject")
    page = moderator.get(page_of(approved)).content.decode()
    assert 'name="_approve"' in page and 'name="_save"' not in page

    moderator.post(page_of(approved), {"_approve": "Approve"})
    moderator.post(page_of(rejected), {"_reject": "Reject", "reason": "range", "note": ""})

    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert approved.status == PostingStatus.PUBLISHED
    assert (rejected.status, rejected.rejection_reason) == (PostingStatus.REJECTED, "range")
    assert PostingEvent.objects.filter(posting=approved, action="approved", by=moderator.user)
    assert PostingEvent.objects.filter(posting=rejected, action="rejected", reason="range")


def test_a_deciding_post_without_the_moderate_permission_is_refused(moderator):
    from django.contrib.auth.models import User
    from django.test import Client

    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*moderator.user.groups.get().permissions.exclude(
        codename__startswith="moderate_"
    ))  # fmt: skip
    client = Client()
    client.force_login(viewer)
    report = a_report()
    assert 'name="_approve"' not in client.get(page_of(report)).content.decode()
    assert client.post(page_of(report), {"_approve": "Approve"}).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING


def test_pay_reads_with_its_currency_in_the_queues_and_on_the_pages(moderator):
    report = a_report(amount=Decimal(150_000), period="month", bonus=Decimal(200_000))
    posting = a_posting(pay_min=Decimal(100_000), pay_max=Decimal(150_000))

    reports = moderator.get(REPORTS).content.decode()
    postings = moderator.get(POSTINGS).content.decode()

    assert "NPR 1.5 lakh a month" in reports and "150000.00" not in reports
    assert "$100,000 – $150,000 a year" in postings and "100000.00" not in postings
    report_page = moderator.get(page_of(report)).content.decode()
    assert "NPR 1.5 lakh a month" in report_page and "NPR 2 lakh" in report_page
    assert "150000.00" not in report_page
    assert "$100,000 – $150,000 a year" in moderator.get(page_of(posting)).content.decode()


def test_internal_fields_are_not_on_the_pages(moderator):
    report = a_report(fingerprint="f" * 64)
    report.new_link_key()
    report.save()
    posting = a_posting()
    posting.new_link_key()
    posting.save()

    report_page = moderator.get(page_of(report)).content.decode()
    posting_page = moderator.get(page_of(posting)).content.decode()

    for name in ("link_hash", "fingerprint"):
        assert f"field-{name}" not in report_page
    assert report.link_hash not in report_page and "f" * 64 not in report_page
    for name in ("link_hash", "search_vector"):
        assert f"field-{name}" not in posting_page
    assert posting.link_hash not in posting_page


def test_a_report_sent_twice_is_flagged_and_a_lone_one_is_not(moderator):
    role = RoleFactory(name="Data Scientist")
    first, second = a_report(role=role), a_report(role=role)
    sent_ago(first, hours=5)
    a_report(role=role, amount=Decimal(2_100_000))  # other pay
    sent_ago(a_report(role=role, level="senior"), days=3)  # alike but for its level

    queue = moderator.get(REPORTS).content.decode()

    assert queue.count(DUPLICATE_ICON) == 2
    duplicates = moderator.get(REPORTS, {"flagged": "duplicate"}).context["cl"].result_list
    assert {report.pk for report in duplicates} == {first.pk, second.pk}


def test_a_report_alike_but_days_apart_is_not_flagged(moderator):
    role = RoleFactory(name="Data Scientist")
    sent_ago(a_report(role=role), days=2)
    a_report(role=role)
    assert DUPLICATE_ICON not in moderator.get(REPORTS).content.decode()


def test_a_posting_sent_twice_minutes_apart_is_flagged_and_a_lone_one_is_not(moderator):
    first, second = (a_posting(title="Data engineer", status=PostingStatus.PENDING)
                     for _ in range(2))  # fmt: skip
    sent_ago(first, minutes=4)
    lone = a_posting(title="Data engineer", pay_max=Decimal(210_000))

    duplicates = moderator.get(POSTINGS, {"flagged": "duplicate"}).context["cl"].result_list

    assert {posting.pk for posting in duplicates} == {first.pk, second.pk}
    assert lone.pk in {posting.pk for posting in moderator.get(POSTINGS).context["cl"].result_list}
    assert moderator.get(POSTINGS).content.decode().count(DUPLICATE_ICON) == 2


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queues_query_count_does_not_grow_with_their_rows(moderator):
    role = RoleFactory(name="Data Scientist")

    def add(count):
        for n in range(count):
            a_report(role=role, amount=Decimal(1_000_000 + n))
            a_posting(title=f"Job {n}")

    add(3)
    few = queries_for(moderator, REPORTS), queries_for(moderator, POSTINGS)
    add(27)
    many = queries_for(moderator, REPORTS), queries_for(moderator, POSTINGS)

    assert JobPosting.objects.pending().count() == SalaryReport.objects.pending().count() == 30
    assert many == few


def test_a_queue_has_the_page_s_whole_width(moderator):
    """Django's model sidebar took 300 px of 1280 and hid the status and flag columns."""
    a_report()
    page = moderator.get(REPORTS).content.decode()
    assert 'id="nav-sidebar"' not in page
    assert " column-status" in page and " column-duplicate" in page

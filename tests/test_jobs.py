"""Job postings: the employer's form and its range rules, the lifecycle, the private link,
moderation, the board and its filters, the range against the market, JSON-LD and import."""

import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from jobs.models import (
    BENEFITS_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    JobPosting,
    PostingEvent,
    PostingStatus,
)
from salaries.models import City, Level, Role
from tests.factories import (
    JobPostingFactory,
    RoleFactory,
    SalaryObservationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.usefixtures("reference_data")

POST = "/jobs/post/"
QUEUE = "/admin/jobs/jobposting/"
GOOD = {
    "title": "Senior machine learning engineer",
    "company_name": "Himal Analytics",
    "role": "machine-learning-engineer",
    "level": "senior",
    "country": "NP",
    "employment_type": "full_time",
    "workplace": "hybrid",
    "currency": "NPR",
    "pay_min": "1,50,000",
    "pay_max": "2,50,000",
    "pay_period": "month",
    "description": "You will train and ship models for clients in Europe.",
    "apply_url": "https://example.com/jobs/42",
    "send": "review",
}


def good(**changes):
    data = {**GOOD, "valid_through": (date.today() + timedelta(days=45)).isoformat()}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post(client, **changes):
    return client.post(POST, good(**changes))


MANAGE = "/jobs/manage/"


def link_of(response, client) -> str:
    """The key of the private link on the page the employer is sent to: only after '#'."""
    assert response["Location"] == MANAGE + "?new=1"
    page = client.get(response["Location"]).content.decode()
    link = re.search(r'<a href="([^"]+)" data-testid="private-link">', page)[1]
    assert re.fullmatch(r"http://testserver/jobs/manage/#[\w-]{22}", link), link
    return link.split("#")[1]


def open_posting(client, key):
    """The employer's page, opened as its script opens it: the key posted, then the page."""
    exchanged = client.post(MANAGE, {"private_link": key})
    assert (exchanged.status_code, exchanged["Location"]) == (303, MANAGE)
    return client.get(MANAGE)


def approve(moderator, posting):
    selection = {"action": "approve_selected", "_selected_action": [posting.pk]}
    return moderator.post(QUEUE, selection, follow=True)


# The employer's form ------------------------------------------------------------------------


def test_the_form_is_protected_and_explains_the_range_rules(client):
    page = client.get(POST).content.decode()
    assert "csrfmiddlewaretoken" in page
    assert "Open-ended ranges are not accepted" in page
    assert 'name="pay_min"' in page and 'name="pay_max"' in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"pay_max": ""}, "pay_max", "ranges open at one end"),
        ({"pay_min": ""}, "pay_min", "a range needs both ends"),
        ({"pay_max": "50,000+"}, "pay_max", "Write the amount in digits"),
        ({"pay_min": "2,50,000", "pay_max": "1,50,000"}, "pay_max", "below the minimum"),
        ({"pay_min": "50,000", "pay_max": "2,00,000"}, "pay_max", "genuinely expect to pay"),
        ({"pay_min": "0", "pay_max": "0"}, "pay_min", "above zero"),
        ({"pay_min": "9000000000", "pay_max": "9000000000"}, "pay_min", "more than any salary"),
        ({"pay_min": "1000", "pay_max": "1500", "pay_period": "year"}, "pay_min", "Check the"),
        ({"currency": "XXX"}, "currency", "Choose one of the answers in the list."),
        ({"apply_url": ""}, "apply_url", "where people can apply"),
        ({"company_name": ""}, "company_name", "confidential employer"),
        ({"country": "IN", "currency": ""}, "pay_min", None),  # a rupee range is fine in India
        ({"valid_through": "2020-01-01"}, "valid_through", "after today"),
        (
            {"valid_through": (date.today() + timedelta(days=121)).isoformat()},
            "valid_through",
            "at most 120 days",
        ),
        ({"role": "nonsense"}, "role", "Choose one of the answers in the list."),
        ({"title": "x" * 151}, "title", "Keep it to 150 characters or fewer (this has 151)."),
    ],
)
def test_every_range_rule_and_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    client, changes, field, message
):
    response = post(client, **changes)
    if message is None:
        assert response.status_code == 302
        return
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "everything you typed is kept" in page
    assert "You will train and ship models" in page  # the rest is kept too
    for value in changes.values():
        if value and field not in ("role", "currency"):  # an unknown choice cannot be shown
            assert f'value="{value}"' in page
    assert not JobPosting.objects.exists()


def test_a_monthly_figure_that_looks_yearly_asks_to_confirm_and_then_passes(client):
    # NPR 18 lakh a month is about 10 times what Nepal's published ranges give in a year.
    typed = {"pay_min": "18,00,000", "pay_max": "24,00,000"}
    response = post(client, **typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert "If these are yearly figures, choose “per year”" in page
    assert 'name="confirm_period"' in page
    assert 'value="18,00,000"' in page
    response = post(client, **typed, confirm_period="on")
    assert response.status_code == 302
    assert JobPosting.objects.get().pay_min == Decimal("1800000")


def test_a_yearly_figure_typed_as_yearly_needs_no_confirmation(client):
    response = post(client, pay_min="18,00,000", pay_max="30,00,000", pay_period="year")
    assert response.status_code == 302


def test_the_database_refuses_ranges_the_form_refuses(db):
    base = dict(status=PostingStatus.PENDING, date_posted=None)
    for bad in [
        {"pay_min": Decimal(0)},
        {"pay_min": Decimal(200), "pay_max": Decimal(100)},
        {"pay_min": Decimal(100), "pay_max": Decimal(301)},
        {"apply_url": ""},
        {"company_name": "", "confidential": False},
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            JobPostingFactory(**base, **bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobPostingFactory(valid_through=date.today() + timedelta(days=121))


def distinct_words(characters: int) -> str:
    """A text of about this many characters, every word a new one (the most a tsvector holds)."""
    words, size = [], 0
    while size < characters:
        words.append(f"w{len(words):x}")
        size += len(words[-1]) + 1
    return " ".join(words)[:characters]


@pytest.mark.parametrize(
    "field, text, message",
    [
        # What an outside check sent: 1.8 MB, past PostgreSQL's 1 MB tsvector, once a 503.
        ("description", distinct_words(1_800_000), "this has 1800000"),
        ("description", "x" * (DESCRIPTION_MAX_LENGTH + 1), "this has 20001"),
        ("benefits", "Health insurance. " * 300, "At most 5,000 characters, please"),
    ],
    ids=["description-1.8MB", "description-limit+1", "benefits"],
)
def test_an_over_long_text_gets_a_message_keeps_what_was_typed_and_saves_nothing(
    client, field, text, message
):
    response = post(client, **{field: text})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and "Shorten it" in page
    assert "everything you typed is kept" in page
    assert text in page  # all of it, in the text area
    assert "maxlength" not in re.search(rf'<textarea name="{field}"[^>]*>', page).group()
    assert not JobPosting.objects.exists()


def test_the_longest_description_of_new_words_is_saved_and_found(client):
    description = distinct_words(DESCRIPTION_MAX_LENGTH)
    assert post(client, description=description).status_code == 302
    posting = JobPosting.objects.get()
    assert len(posting.description) == DESCRIPTION_MAX_LENGTH
    assert JobPosting.objects.filter(search_vector="w1ab").get() == posting


def test_the_database_refuses_texts_longer_than_the_form_allows(db):
    for bad in [
        {"description": "x" * (DESCRIPTION_MAX_LENGTH + 1)},
        {"benefits": "x" * (BENEFITS_MAX_LENGTH + 1)},
    ]:
        with pytest.raises(IntegrityError, match="at_most"), transaction.atomic():
            JobPostingFactory(**bad)
    JobPostingFactory(description="é" * DESCRIPTION_MAX_LENGTH)  # characters, not bytes


def test_bots_filling_the_hidden_field_are_dropped_without_a_word(client):
    response = post(client, website="https://spam.example")
    assert response.status_code == 302
    assert not JobPosting.objects.exists()


def test_too_many_postings_from_one_connection_are_refused_with_a_message(client):
    for n in range(5):
        assert post(client, title=f"Job {n}").status_code == 302
    response = post(client, title="Job 6")
    assert response.status_code == 429
    assert "postings from your connection this hour" in response.content.decode()
    assert 'value="Job 6"' in response.content.decode()


# The lifecycle and the private link -----------------------------------------------------------


def test_a_posting_waits_for_review_and_is_not_public(client):
    response = post(client)
    posting = JobPosting.objects.get()
    assert posting.status == PostingStatus.PENDING
    assert posting.date_posted is None
    manage = client.get(response["Location"]).content.decode()
    assert "waiting for a moderator" in manage and "Keep this private link" in manage
    assert "Senior machine learning engineer" not in client.get("/jobs/").content.decode()
    assert client.get(f"/jobs/{posting.pk}-{posting.slug}/").status_code == 404
    assert list(posting.events.values_list("action", flat=True)) == ["submitted"]


def test_a_draft_can_be_changed_then_sent_for_review(client):
    link_of(post(client, send="draft"), client)  # the employer's browser has the page open
    posting = JobPosting.objects.get()
    assert posting.status == PostingStatus.DRAFT
    response = client.post(
        MANAGE, good(action="save", title="Lead ML engineer", pay_max="3,00,000")
    )
    assert response.status_code == 302
    assert response["Location"] == MANAGE + "?done=saved"
    posting.refresh_from_db()
    assert (posting.title, posting.pay_max) == ("Lead ML engineer", Decimal("300000"))
    bad = client.post(MANAGE, good(action="save", pay_max="9,00,000"))
    assert bad.status_code == 400 and 'value="9,00,000"' in bad.content.decode()
    client.post(MANAGE, {"action": "send"})
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PENDING


def test_publishing_dates_the_posting_for_good_and_the_employer_can_no_longer_edit(
    client, moderator
):
    link = link_of(post(client), client)
    posting = JobPosting.objects.get()
    approve(moderator, posting)
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PUBLISHED
    assert posting.date_posted == timezone.localdate()
    assert posting.valid_through == date.today() + timedelta(days=45)  # the day they chose
    employer = Client()  # later, in another browser
    open_posting(employer, link)
    response = employer.post(MANAGE, good(action="save", title="Changed"), follow=True)
    posting.refresh_from_db()
    assert posting.title == "Senior machine learning engineer"
    assert "status changed meanwhile" in response.content.decode()
    assert "Change the posting" not in response.content.decode()


def test_a_filled_posting_drops_from_lists_says_so_then_is_gone_after_30_days(client):
    posting = JobPostingFactory(title="Data scientist, Lalitpur")
    link = posting.new_link_key()
    posting.save()
    open_posting(client, link)
    client.post(MANAGE, {"action": "filled"})
    posting.refresh_from_db()
    assert posting.status == PostingStatus.FILLED
    assert "Data scientist, Lalitpur" not in client.get("/jobs/").content.decode()
    page = client.get(posting.get_absolute_url())
    assert page.status_code == 200
    assert "This job has been filled" in page.content.decode()
    assert "application/ld+json" not in page.content.decode()
    JobPosting.objects.filter(pk=posting.pk).update(closed_at=timezone.now() - timedelta(days=31))
    cache.clear()  # 31 days on, the page cached (for at most 15 minutes) is long gone
    gone = client.get(posting.get_absolute_url())
    assert gone.status_code == 410
    assert "This job is closed" in gone.content.decode()


def test_expiry_hides_postings_at_once_and_the_nightly_command_closes_them(client):
    past = date.today() - timedelta(days=70)
    old = JobPostingFactory(
        title="Old posting", date_posted=past, valid_through=past + timedelta(60)
    )
    JobPostingFactory(title="Current posting")
    listing = client.get("/jobs/").content.decode()
    assert "Old posting" not in listing and "Current posting" in listing
    assert "This job closed on" in client.get(old.get_absolute_url()).content.decode()
    call_command("expire_postings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    old.refresh_from_db()
    assert old.status == PostingStatus.EXPIRED
    assert list(old.events.values_list("action", flat=True)) == ["expired"]
    assert JobPosting.objects.get(title="Current posting").status == PostingStatus.PUBLISHED


def test_withdrawing_an_unpublished_posting_leaves_no_page(client):
    link_of(post(client), client)
    client.post(MANAGE, {"action": "withdraw"})
    posting = JobPosting.objects.get()
    assert posting.status == PostingStatus.WITHDRAWN
    assert client.get(posting.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("link", ["nope", "x" * 65, "%00", "1", "", "http://testserver/#"])
def test_a_wrong_link_is_a_404_never_another_posting(client, link):
    post(client)
    stranger = Client()
    response = stranger.post(MANAGE, {"private_link": link})
    assert response.status_code == 404 and b"No posting has this link" in response.content
    assert "posting_link" not in response.cookies
    assert b'data-testid="status"' not in stranger.get(MANAGE).content


def test_the_link_is_not_the_posting_number_and_only_its_hash_is_stored(client):
    link = link_of(post(client), client)
    posting = JobPosting.objects.get()
    # (A random key may hold the digits of a small number by chance: compare whole values.)
    assert not link.isdigit() and link != str(posting.pk) and len(link) >= 22
    assert link not in posting.link_hash
    assert Client().post(MANAGE, {"private_link": str(posting.pk)}).status_code == 404


def test_the_employers_page_opens_only_through_its_cookie(client):
    response = post(client)
    cookie = response.cookies["posting_link"]
    assert (cookie["path"], cookie["max-age"], cookie["samesite"]) == (MANAGE, 1800, "Strict")
    assert cookie["httponly"]
    key = link_of(response, client)
    stranger = Client()
    asked = stranger.get(MANAGE)
    assert asked.status_code == 200 and b"Your private link or key" in asked.content
    assert b"Himal Analytics" not in asked.content
    refused = stranger.post(MANAGE, {"action": "withdraw"})
    assert refused.status_code == 403 and b"Nothing was changed" in refused.content
    assert JobPosting.objects.get().status == PostingStatus.PENDING
    stranger.cookies["posting_link"] = key  # a cookie not signed by us
    assert b"Himal Analytics" not in stranger.get(MANAGE).content
    page = open_posting(stranger, f"https://talab.example/jobs/manage/#{key}")
    assert b"Himal Analytics" in page.content
    assert "no-store" in page["Cache-Control"] and page["Referrer-Policy"] == "same-origin"
    done = stranger.post(MANAGE, {"action": "withdraw"})
    assert done["Location"] == MANAGE + "?done=withdraw"
    assert JobPosting.objects.get().status == PostingStatus.WITHDRAWN


def test_an_old_manage_link_leads_on_with_its_key_in_the_fragment(client):
    key = link_of(post(client), client)
    stranger = Client()
    response = stranger.get(f"/jobs/manage/{key}/")
    assert (response.status_code, response["Location"]) == (302, f"{MANAGE}#{key}")
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"Himal Analytics" not in stranger.get(f"/jobs/manage/{key}/", follow=True).content
    stranger.post(f"/jobs/manage/{key}/", {"action": "withdraw"})
    assert JobPosting.objects.get().status == PostingStatus.PENDING


# Moderation ----------------------------------------------------------------------------------


def test_moderators_reject_with_a_reason_the_employer_sees(client, moderator):
    link = link_of(post(client), client)
    posting = JobPosting.objects.get()
    selection = {"action": "reject_selected", "_selected_action": [posting.pk]}
    confirm = moderator.post(QUEUE, selection)
    assert b"Reject job postings" in confirm.content and b'name="reason"' in confirm.content
    moderator.post(QUEUE, {**selection, "apply": "1", "reason": "range", "note": "Say the top"})
    posting.refresh_from_db()
    assert (posting.status, posting.rejection_reason) == ("rejected", "range")
    event = posting.events.get(action="rejected")
    assert (event.by, event.note) == (moderator.user, "Say the top")
    page = open_posting(Client(), link).content.decode()
    assert "Pay range not genuine" in page and "Say the top" in page


def test_the_queue_opens_on_postings_waiting_and_decides_in_bulk(client, moderator):
    for n in range(3):
        post(client, title=f"Queue job {n}")
    JobPostingFactory(title="Already public")
    queue = moderator.get(QUEUE).content.decode()
    assert "Queue job 0" in queue and "Already public" not in queue
    pending = list(JobPosting.objects.pending().values_list("pk", flat=True))
    response = moderator.post(
        QUEUE, {"action": "approve_selected", "_selected_action": pending}, follow=True
    )
    assert "Approved 3 job postings." in response.content.decode()
    assert JobPosting.objects.public().count() == 4


def test_moderators_have_least_privilege_and_others_cannot_decide(client, moderator):
    post(client)
    posting = JobPosting.objects.get()
    assert moderator.get(f"{QUEUE}{posting.pk}/change/").status_code == 200
    assert moderator.get(f"{QUEUE}add/").status_code == 403
    assert moderator.get(f"{QUEUE}{posting.pk}/delete/").status_code == 403
    assert moderator.get("/admin/auth/user/").status_code == 403
    staff = User.objects.create_user("staff", is_staff=True)
    staff_client = Client()
    staff_client.force_login(staff)
    staff_client.post(QUEUE, {"action": "approve_selected", "_selected_action": [posting.pk]})
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PENDING


def test_two_moderators_deciding_one_posting_get_a_message_not_an_error(client, moderator):
    post(client)
    posting = JobPosting.objects.get()
    other = User.objects.create_user("other", is_staff=True)
    posting.reject(other, "spam")
    response = approve(moderator, posting)
    assert "was already rejected by other at" in response.content.decode()


# The board -----------------------------------------------------------------------------------


def test_an_empty_board_invites_employers_to_post(client):
    page = client.get("/jobs/").content.decode()
    assert "No jobs posted yet" in page and 'href="/jobs/post/"' in page


def test_filters_find_postings_by_role_place_level_type_pay_and_date(client):
    ds = RoleFactory(name="Data Scientist")
    JobPostingFactory(title="A: US senior MLE")  # $150k-200k a year
    JobPostingFactory(title="B: NP data scientist", role=ds, country="NP", level=Level.MID,
                      currency_id="NPR", pay_min=Decimal(100000), pay_max=Decimal(150000),
                      pay_period="month", workplace="remote",
                      date_posted=date.today() - timedelta(days=10))  # fmt: skip

    def titles(**query):
        response = client.get("/jobs/", query)
        assert response.status_code == 200
        return re.findall(r">([AB]: [^<]+)</a>", response.content.decode())

    assert titles() == ["A: US senior MLE", "B: NP data scientist"]
    assert titles(role="data-scientist") == ["B: NP data scientist"]
    assert titles(country="US") == ["A: US senior MLE"]
    assert titles(level="mid", workplace="remote") == ["B: NP data scientist"]
    assert titles(employment_type="part_time") == []
    assert titles(posted_within="7") == ["A: US senior MLE"]
    # B pays up to NPR 1.5 lakh a month (about $13,000 a year): a floor of 1.4 lakh a month
    # finds it, 1.6 lakh does not; $160,000 a year finds only the American posting.
    both = ["A: US senior MLE", "B: NP data scientist"]
    assert titles(min_pay="1,40,000", currency="NPR", period="month") == both
    assert titles(min_pay="1,60,000", currency="NPR", period="month") == ["A: US senior MLE"]
    assert titles(min_pay="160000") == ["A: US senior MLE"]
    assert titles(min_pay="250000") == []


@pytest.mark.parametrize(
    "query",
    [
        "min_pay=abc",
        "posted_within=9",
        "level=boss",
        "role=%00",
        "page=999",
        "min_pay=1e30",
        "min_pay=1e25&period=hour",
        "currency=XXX&min_pay=5",
        "min_pay=-5",
    ],
)
def test_bad_filters_give_a_form_error_never_a_500(client, query):
    JobPostingFactory()
    response = client.get(f"/jobs/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Some filters need fixing" in response.content.decode()


def test_the_board_runs_the_same_number_of_queries_for_2_and_20_postings(
    client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        cache.clear()  # the page itself, not the cached copy
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/jobs/").status_code == 200
        return len(captured)

    JobPostingFactory.create_batch(2)
    few = queries()
    JobPostingFactory.create_batch(18, role=RoleFactory(name="Data Scientist"), country="IN")
    assert queries() == few


def test_landing_pages_show_open_jobs_for_their_role_and_country(client):
    JobPostingFactory(
        title="Kathmandu MLE",
        country="NP",
        currency_id="NPR",
        pay_min=Decimal(150000),
        pay_max=Decimal(250000),
        pay_period="month",
    )
    JobPostingFactory(title="Boston MLE")
    nepal = client.get("/salaries/machine-learning-engineer/np/").content.decode()
    assert "Kathmandu MLE" in nepal and "Boston MLE" not in nepal
    assert "What employers post: 1 open posting" in nepal
    assert "NPR 1.5–2.5 lakh per month" in nepal
    india = client.get("/salaries/machine-learning-engineer/in/").content.decode()
    assert "No open jobs for Machine Learning Engineers here" in india


# The range against the market ---------------------------------------------------------------


def us_senior_market(count=30):
    source = SourceFactory()
    for n in range(count):
        SalaryObservationFactory(
            source=source,
            role=Role.objects.get(slug="machine-learning-engineer"),
            level=Level.SENIOR,
            amount=Decimal(120_000 + 3_111 * n),
        )


def shown(page: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}">([^<]+)<', page).group(1)


def test_the_market_panel_equals_the_salary_page_for_the_same_group(client):
    us_senior_market()
    posting = JobPostingFactory(role=Role.objects.get(slug="machine-learning-engineer"))
    page = client.get(posting.get_absolute_url()).content.decode()
    landing = client.get("/salaries/machine-learning-engineer/us/?level=senior").content.decode()
    assert shown(page, "market-median") == shown(landing, "median")
    p10, p90 = re.search(r"10th–90th percentile</div><div class=\"stat-sm\">([^<]+) – ([^<]+)<",
                         landing).groups()  # fmt: skip
    assert (shown(page, "market-p10"), shown(page, "market-p90")) == (p10, p90)
    assert "Based on <strong>30</strong> individual reports" in page
    assert "The range is within the market" in page
    assert "Senior Machine Learning Engineers in United States" in page


def test_the_market_broadens_to_every_level_then_to_published_ranges_and_says_so(client):
    us_senior_market(count=25)
    mle = Role.objects.get(slug="machine-learning-engineer")
    entry = JobPostingFactory(role=mle, level=Level.ENTRY, pay_min=Decimal(400_000),
                              pay_max=Decimal(500_000))  # fmt: skip
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Too few people at entry level" in page
    assert "The range is above the market" in page
    nepal = JobPostingFactory(role=mle, country="NP", currency_id="NPR", pay_period="month",
                              pay_min=Decimal(150_000), pay_max=Decimal(250_000))  # fmt: skip
    page = client.get(nepal.get_absolute_url()).content.decode()
    assert "against published estimates" in page
    assert "Machine Learning Engineer Salary in Nepal and Abroad" in page
    ds = JobPostingFactory(role=RoleFactory(name="Data Scientist"), country="NP",
                           currency_id="NPR", pay_min=Decimal(100_000), pay_max=Decimal(150_000),
                           pay_period="month")  # fmt: skip
    assert 'data-testid="no-market"' in client.get(ds.get_absolute_url()).content.decode()


# Search engines ------------------------------------------------------------------------------


def jsonld_of(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.+?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_jsonld_is_a_google_job_posting(client):
    posting = JobPostingFactory(title="Senior MLE <b>now</b>")
    data = jsonld_of(client.get(posting.get_absolute_url()).content.decode())
    assert data["@type"] == "JobPosting" and data["title"] == "Senior MLE <b>now</b>"
    for name in ["description", "datePosted", "validThrough", "hiringOrganization",
                 "employmentType", "baseSalary", "jobLocation", "identifier"]:  # fmt: skip
        assert data[name], name
    assert data["datePosted"] == posting.date_posted.isoformat()
    assert data["validThrough"].startswith(posting.valid_through.isoformat())
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "Himal Analytics"}
    assert data["employmentType"] == "FULL_TIME"
    assert data["jobLocation"]["address"]["addressCountry"] == "US"
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount", "currency": "USD",
        "value": {"@type": "QuantitativeValue", "minValue": 150000.0, "maxValue": 200000.0,
                  "unitText": "YEAR"},
    }  # fmt: skip
    assert "<strong>models</strong>" in data["description"]


def test_remote_jobs_say_where_applicants_may_live(client):
    posting = JobPostingFactory(workplace="remote", remote_countries=["NP", "IN"],
                                confidential=True, company_name="")  # fmt: skip
    data = jsonld_of(client.get(posting.get_absolute_url()).content.decode())
    assert data["jobLocationType"] == "TELECOMMUTE" and "jobLocation" not in data
    assert {c["name"] for c in data["applicantLocationRequirements"]} == {"Nepal", "India"}
    assert data["hiringOrganization"] == "confidential"  # Google's word for it


def test_the_sitemap_lists_open_postings_only(client):
    open_posting = JobPostingFactory()
    filled = JobPostingFactory(status=PostingStatus.FILLED, closed_at=timezone.now())
    waiting = JobPostingFactory(status=PostingStatus.PENDING, date_posted=None)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert open_posting.get_absolute_url() in sitemap
    assert filled.get_absolute_url() not in sitemap and waiting.get_absolute_url() not in sitemap


def test_descriptions_are_sanitized(client):
    posting = JobPostingFactory(
        description='<script>alert(1)</script><p onclick="x()">Hi</p> [link](javascript:alert(1))'
    )
    page = client.get(posting.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "onclick" not in page
    assert "javascript:alert" not in page


def test_an_old_slug_redirects_to_the_posting_url(client):
    posting = JobPostingFactory(title="Data engineer")
    response = client.get(f"/jobs/{posting.pk}-old-title/")
    assert response.status_code == 301 and response["Location"] == posting.get_absolute_url()


# Import --------------------------------------------------------------------------------------


def schema_posting(n, **changes):
    item = {
        "@context": "https://schema.org/", "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": "Himal", "value": f"HA-{n}"},
        "title": "Senior Machine Learning Engineer", "description": "<p>Ship models.</p>",
        "hiringOrganization": {"@type": "Organization", "name": "Himal Analytics"},
        "employmentType": "FULL_TIME", "url": f"https://example.com/jobs/{n}",
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
                        "addressLocality": "Kathmandu", "addressCountry": "NP"}},
        "baseSalary": {"@type": "MonetaryAmount", "currency": "NPR", "value": {
            "@type": "QuantitativeValue", "minValue": 150000, "maxValue": 250000,
            "unitText": "MONTH"}},
    }  # fmt: skip
    item.update(changes)
    return item


def import_file(tmp_path, items, *options):
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(items))
    with open("/dev/null", "w") as quiet:
        call_command("import_jobs", str(path), *options, stdout=quiet, stderr=quiet)


def test_import_reports_each_invalid_posting_by_index_and_imports_nothing(tmp_path, capsys):
    items = [
        schema_posting(1),
        schema_posting(2, baseSalary={"@type": "MonetaryAmount", "currency": "NPR",
                                      "value": {"minValue": 50000, "unitText": "MONTH"}}),
        schema_posting(3, title="Chief Vibes Officer"),
        schema_posting(4, baseSalary={"currency": "NPR", "value": {
            "minValue": 50000, "maxValue": 500000, "unitText": "MONTH"}}),
        "not an object",
    ]  # fmt: skip
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(items))
    with pytest.raises(CommandError, match="4 of 5 postings are invalid; nothing was imported"):
        call_command("import_jobs", str(path))
    errors = capsys.readouterr().err
    assert "index 1: baseSalary needs value.minValue and value.maxValue" in errors
    assert "index 2: no role in our list matches the title 'Chief Vibes Officer'" in errors
    assert "index 3: Maximum pay: The maximum is more than 3 times the minimum" in errors
    assert "index 4: not a schema.org JobPosting object" in errors
    assert not JobPosting.objects.exists()


def test_import_is_idempotent_and_waits_for_review_unless_published(tmp_path):
    City.objects.get(name="Kathmandu", country="NP")  # reference data
    import_file(tmp_path, [schema_posting(1), schema_posting(2)])
    import_file(tmp_path, [schema_posting(1), schema_posting(2)])
    postings = JobPosting.objects.order_by("identifier")
    assert [p.identifier for p in postings] == ["Himal:HA-1", "Himal:HA-2"]
    assert {p.status for p in postings} == {PostingStatus.PENDING}
    first = postings[0]
    assert (first.level, first.role.slug, first.city.name) == (
        "senior",
        "machine-learning-engineer",
        "Kathmandu",
    )
    RoleFactory(name="Data Scientist")
    import_file(tmp_path, [schema_posting(3, title="Data Scientist", employmentType="CONTRACTOR",
                                          experienceRequirements={"monthsOfExperience": 24})],
                "--publish")  # fmt: skip
    third = JobPosting.objects.get(identifier="Himal:HA-3")
    assert (third.status, third.level, third.employment_type) == ("published", "entry", "contract")
    assert list(PostingEvent.objects.filter(posting=third).values_list("action", flat=True)) == [
        "approved",  # the action; "published" is the status it led to
        "imported",
    ]


def test_odd_but_allowed_shapes_are_reported_by_index_never_a_traceback(tmp_path, capsys):
    items = [
        schema_posting(1, baseSalary="NPR 1,50,000 a month"),
        schema_posting(2, jobLocation={"address": "Kathmandu, Nepal"}),
        schema_posting(3, applicationContact="jobs@example.com", url=""),
        schema_posting(4, employmentType=[{"a": 1}]),
        schema_posting(5, identifier="bad\x00id"),
        schema_posting(6, jobLocation={"address": {"addressCountry": "NP",
                                                   "addressLocality": "Kath\x00mandu"}}),
    ]  # fmt: skip
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(items))
    with pytest.raises(CommandError, match="6 of 6 postings are invalid"):
        call_command("import_jobs", str(path), stdout=io.StringIO())
    errors = capsys.readouterr().err
    assert [line.split(":")[0] for line in errors.splitlines()] == [f"index {n}" for n in range(6)]


def test_two_employers_may_both_number_a_posting_1(tmp_path):
    other = schema_posting(1)
    other["identifier"] = {"@type": "PropertyValue", "name": "Everest AI", "value": "HA-1"}
    import_file(tmp_path, [schema_posting(1), other])
    assert JobPosting.objects.count() == 2


def test_skip_invalid_imports_the_valid_ones(tmp_path):
    import_file(tmp_path, [schema_posting(1), schema_posting(2, title="Astronaut")],
                "--skip-invalid")  # fmt: skip
    assert list(JobPosting.objects.values_list("identifier", flat=True)) == ["Himal:HA-1"]


def test_an_unreadable_file_is_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "jobs.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="cannot read it as JSON"):
        call_command("import_jobs", str(path))
    path.write_text('{"@type": "JobPosting"}')
    with pytest.raises(CommandError, match="expected a JSON array"):
        call_command("import_jobs", str(path))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"[" * 100_000, "arrays and objects nested more than 100 deep, from line 1, column 101"),
        (
            b'[\n  {"@type": "JobPosting",\n   "title": "Senior \xff engineer"}]',
            "not UTF-8 at line 3, column 21 (byte 48): invalid start byte",
        ),
        (
            json.dumps([schema_posting(1)], indent=2).encode()[:-2] + b",\n]",
            "Expecting value at line 37, column 1",
        ),
        (b"[1" + b"0" * 5000 + b"]", "a value it cannot read"),
    ],
    ids=["nested", "not-utf-8", "invalid-json", "huge-number"],
)
def test_a_file_that_is_not_json_is_said_with_where_never_a_traceback(tmp_path, content, message):
    path = tmp_path / "jobs.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        call_command("import_jobs", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert str(raised.value).startswith(f"{path}: cannot read it as JSON: {message}")
    assert not JobPosting.objects.exists()


def test_a_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "jobs.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([schema_posting(1)]).encode())
    call_command("import_jobs", str(path), stdout=io.StringIO())
    assert JobPosting.objects.count() == 1


def test_an_over_long_description_is_reported_by_index_and_nothing_is_imported(tmp_path, capsys):
    items = [
        schema_posting(1),
        schema_posting(2, description="<p>Ship models.</p>" * 2000),
    ]
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(items))
    with pytest.raises(CommandError, match="1 of 2 postings are invalid; nothing was imported"):
        call_command("import_jobs", str(path))
    errors = capsys.readouterr().err
    assert "index 1: About the job: At most 20,000 characters, please: this has 38000." in errors
    assert not JobPosting.objects.exists()


def test_an_employer_states_the_level(client):
    """A feed may leave the level unstated (it is then compared with every level); an
    employer's own form may not."""
    response = post(client, level="")
    assert response.status_code == 400
    assert "Choose the level of the job." in response.content.decode()
    assert not JobPosting.objects.exists()

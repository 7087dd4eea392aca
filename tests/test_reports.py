import io
import os
import re
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from salaries.models import (
    ModerationEvent,
    ReportFigure,
    ReportStatus,
    Role,
    SalaryObservation,
    SalaryReport,
)
from tests.factories import SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")

SUBMIT = "/salaries/submit/"
QUEUE = "/admin/salaries/salaryreport/"
GOOD = {
    "role": "machine-learning-engineer",
    "country": "NP",
    "city": "Kathmandu",
    "level": "mid",
    "years_experience": "4",
    "employment_type": "full_time",
    "company_size": "M",
    "remote_ratio": "50",
    "year": "2025",
    "period": "month",
    "currency": "NPR",
    "amount": "150000",
    "consent": "on",
}


def submit(client, **changes):
    return client.post(SUBMIT, {**GOOD, **changes})


def test_the_form_is_protected_and_prefilled_from_the_landing_page_link(client):
    response = client.get(SUBMIT, {"role": "machine-learning-engineer", "country": "np"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in page
    assert 'name="role" value="Machine Learning Engineer"' in page
    assert '<option value="NPR" selected>' in page  # the currency follows the country
    assert '<option value="NP" selected>' in page


def test_a_report_waits_for_review_and_is_not_public(client):
    response = submit(client)
    assert response.status_code == 302
    assert response["Location"] == "/salaries/reports/status/?new=1"  # no key in any URL
    report = SalaryReport.objects.get()
    assert report.status == ReportStatus.PENDING and report.observation is None
    assert not SalaryObservation.objects.filter(employee_country="NP").exists()
    assert b"waiting for a moderator" in client.get(response["Location"]).content


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"amount": "-5"}, "amount", "Give an amount above zero."),
        ({"amount": "lots"}, "amount", "Write the amount in digits, such as 1,50,000"),
        ({"amount": "900000000", "period": "hour"}, "amount", "too large to be pay"),
        ({"amount": "999999999", "period": "month"}, "amount", "more than any salary we can count"),
        ({"amount": "2000", "period": "year"}, "amount", "Check the amount and the period"),
        ({"bonus": "1000000000"}, "bonus", "more than any salary we can count"),
        ({"equity": "1e9"}, "equity", "more than any salary we can count"),
        ({"year": "2999"}, "year", "Give a year between 2000"),
        ({"years_experience": "99"}, "years_experience", "a whole number from 0 to 60"),
        ({"role": ""}, "role", "Type your answer here: it cannot be left empty."),
        ({"currency": "XYZ"}, "currency", "Choose one of the answers in the list."),
        ({"country": ""}, "country", "Choose one from the list."),
        ({"consent": ""}, "consent", "Please tick the box to agree"),
    ],
)
def test_bad_input_is_explained_and_what_was_typed_is_kept(client, changes, field, message):
    response = submit(client, **changes)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="Kathmandu"' in page  # nothing the visitor typed is lost
    assert not SalaryReport.objects.exists()


def test_reports_without_a_csrf_token_are_refused():
    response = Client(enforce_csrf_checks=True).post(SUBMIT, GOOD)
    assert response.status_code == 403
    assert not SalaryReport.objects.exists()


def test_too_many_reports_from_one_connection_are_refused_with_a_message(client):
    for amount in range(150_000, 150_005):
        assert submit(client, amount=str(amount)).status_code == 302
    response = submit(client, amount="150005")
    assert response.status_code == 429
    assert b"We have had 5 reports from your connection this hour" in response.content
    assert 'value="Kathmandu"' in response.content.decode()
    assert SalaryReport.objects.count() == 5


def test_pay_far_from_similar_reports_is_flagged_for_the_moderator(client):
    role = Role.objects.get(slug="machine-learning-engineer")
    for i in range(10):
        SalaryObservationFactory(role=role, employee_country="NP", usd_yearly=10_000 + i * 100)
    submit(client, amount="400000", period="year", currency="USD")
    report = SalaryReport.objects.get()
    assert "x the 90th percentile of 10 reports" in report.outlier_note
    submit(client)  # NPR 1,50,000 a month is about USD 13,000 a year: in line
    assert SalaryReport.objects.latest("pk").outlier_note == ""


def test_moderator_queue_shows_pending_reports_only(client, moderator):
    submit(client)
    submit(client, city="Pokhara", amount="160000")
    SalaryReport.objects.filter(city="Pokhara").get().reject(moderator.user, "spam")
    page = moderator.get(QUEUE).content.decode()
    assert page.count('class="action-select"') == 1
    assert moderator.get(QUEUE, {"status": "all"}).content.count(b'class="action-select"') == 2


def test_approving_publishes_the_report_as_a_normalized_observation(client, moderator):
    from salaries.models import City

    kathmandu = City.objects.get(name="Kathmandu", country="NP")  # reference data
    submit(client)
    report = SalaryReport.objects.get()
    response = moderator.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [report.pk]}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    observation = report.observation
    assert report.status == ReportStatus.APPROVED and report.moderated_by == moderator.user
    assert observation.source.key == "user-reports"
    assert observation.yearly_amount == Decimal("1800000.00")
    assert observation.usd_yearly and observation.ppp_yearly
    assert observation.city == kathmandu
    event = ModerationEvent.objects.get()
    assert (event.action, event.by, event.report) == ("approved", moderator.user, report)
    with pytest.raises(ValueError, match="already approved"):
        report.approve(by=moderator.user)


def test_rejecting_asks_for_a_reason_and_keeps_it_in_the_audit_trail(client, moderator):
    submit(client)
    report = SalaryReport.objects.get()
    selection = {"action": "reject_selected", "_selected_action": [report.pk]}
    confirm = moderator.post(QUEUE, selection)
    assert b"Reject salary reports" in confirm.content and b'name="reason"' in confirm.content
    moderator.post(QUEUE, {**selection, "apply": "1", "reason": "implausible", "note": "typo?"})
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED and report.observation is None
    assert (report.rejection_reason, report.moderator_note) == ("implausible", "typo?")
    event = ModerationEvent.objects.get()
    assert (event.action, event.reason, event.note) == ("rejected", "implausible", "typo?")


def test_moderators_have_least_privilege(client, moderator):
    submit(client)
    report = SalaryReport.objects.get()
    change = reverse("admin:salaries_salaryreport_change", args=[report.pk])
    page = moderator.get(change).content.decode()
    assert 'name="amount"' not in page  # read-only: a moderator decides, never edits
    moderator.post(change, {**GOOD, "amount": "1"})
    report.refresh_from_db()
    assert report.amount == Decimal("150000")
    assert moderator.get("/admin/auth/user/").status_code == 403
    assert moderator.get("/admin/salaries/exchangerate/").status_code == 403
    assert moderator.get("/admin/salaries/salaryobservation/add/").status_code == 403
    event_url = "/admin/salaries/moderationevent/"
    assert moderator.get(event_url).status_code == 200


def test_staff_without_the_moderator_group_cannot_decide(client):
    submit(client)
    report = SalaryReport.objects.get()
    staff = Client()
    staff.force_login(User.objects.create_user("staff", password="pw", is_staff=True))
    staff.post(QUEUE, {"action": "approve_selected", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING


def test_database_requires_a_reason_and_a_moderator_for_decisions(client):
    submit(client)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalaryReport.objects.update(status=ReportStatus.REJECTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalaryReport.objects.update(status=ReportStatus.APPROVED)


def test_typos_do_not_count_towards_the_limit(client):
    for _ in range(6):
        assert submit(client, amount="lots").status_code == 400
    assert submit(client).status_code == 302


def test_a_tiny_amount_is_refused_with_a_message_not_a_crash(client):
    response = submit(client, country="US", currency="JPY", period="year", amount="0.01")
    assert response.status_code == 400
    assert "That is about $0 a year. Check the amount and the period." in response.content.decode()


def test_approval_links_only_known_companies_and_recreates_its_source(client, moderator):
    from salaries.models import Company, CompanyAlias, Source

    acme = Company.objects.create(name="Acme Analytics")
    CompanyAlias.objects.create(name="ACME", company=acme)
    Source.objects.filter(key="user-reports").delete()
    submit(client, company="acme")
    submit(client, company="Secret Startup Pvt Ltd", city="Ilam", amount="160000")
    first, second = SalaryReport.objects.order_by("pk")
    assert first.approve(by=moderator.user).company == acme
    observation = second.approve(by=moderator.user)
    assert observation.company is None and observation.city is None
    assert not Company.objects.filter(name__icontains="secret").exists()
    assert observation.source.key == "user-reports"


def test_merging_roles_carries_reports_and_guides_along(client, moderator):
    from careers.models import Guide
    from salaries.models import RoleAlias

    old = Role.objects.create(name="ML Engineer")
    submit(client, role=old.slug)
    Guide.objects.create(title="g", slug="g", role=old, summary="s", body="b")
    old.merge_into(Role.objects.get(slug="machine-learning-engineer"))
    assert SalaryReport.objects.get().role.slug == "machine-learning-engineer"
    assert Guide.objects.get().role.slug == "machine-learning-engineer"
    assert RoleAlias.objects.filter(name="ML Engineer").exists()


def test_reports_cannot_be_deleted_even_by_a_superuser(client):
    submit(client)
    report = SalaryReport.objects.get()
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", "r@example.org", "pw"))
    url = reverse("admin:salaries_salaryreport_delete", args=[report.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 403
    assert SalaryReport.objects.filter(pk=report.pk).exists()


# The submitter's private link, withdrawal and abuse controls ---------------------------------


STATUS = "/salaries/reports/status/"


def key_of(client, response) -> str:
    """The key of the private link on the receipt the submitter is sent to: only after '#'."""
    receipt = client.get(response["Location"])
    link = re.search(r'<a href="([^"]+)" data-testid="private-link">', receipt.content.decode())[1]
    assert re.fullmatch(r"http://testserver/salaries/reports/status/#[\w-]{22}", link), link
    return link.split("#")[1]


def open_report(client, key):
    """The private page, opened as its script opens it: the key posted, then the page."""
    exchanged = client.post(STATUS, {"private_link": key})
    assert (exchanged.status_code, exchanged["Location"]) == (303, STATUS)
    return client.get(STATUS)


def approve_all(moderator):
    pending = list(SalaryReport.objects.pending().values_list("pk", flat=True))
    moderator.post(QUEUE, {"action": "approve_selected", "_selected_action": pending})


def count_on(page: bytes) -> str:
    return re.search(rb'data-testid="count">([^<]+)<', page).group(1).decode()


def more_approved_reports(moderator, count):
    """Reports from other people in the same cell (machine learning engineers in Nepal, mid)."""
    for i in range(count):
        SalaryReport.objects.create(
            role=Role.objects.get(slug="machine-learning-engineer"), country="NP", level="mid",
            years_experience=3, employment_type="full_time", year=2025, period="month",
            currency_id="NPR", amount=Decimal(160_000 + 1_000 * i),
        ).approve(by=moderator.user)  # fmt: skip


def report_section(page: bytes) -> str:
    return page.decode().split('data-testid="report-figures"')[1].split("</section>")[0]


def test_reports_reach_their_own_figures_at_a_release_never_the_survey_figures(
    client, moderator, django_capture_on_commit_callbacks
):
    keys = [key_of(client, submit(client, amount=str(150_000 + 1_000 * i))) for i in range(5)]
    landing = "/salaries/machine-learning-engineer/np/"
    before = client.get(landing).content
    assert b"Waiting for review" in open_report(client, keys[0]).content
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(moderator)
    assert client.get(landing).content == before  # nothing moves until a release
    status = client.get(STATUS).content
    assert b'data-testid="status">Approved<' in status and b"next release" in status
    with django_capture_on_commit_callbacks(execute=True):
        call_command("release_figures", stdout=io.StringIO())
    assert "Not enough people" in report_section(client.get(landing).content)  # 5: too few
    with django_capture_on_commit_callbacks(execute=True):
        more_approved_reports(moderator, 25)
        call_command("release_figures", stdout=io.StringIO())
    page = client.get(landing).content
    assert count_on(page) == "fewer than 5"  # the survey's figures never count reports
    assert re.search(r'data-label="People, about">(2\d|3\d)<', report_section(page))


def test_withdrawing_before_approval_deletes_the_report_and_keeps_no_pay(client):
    key = key_of(client, submit(client))
    report = SalaryReport.objects.get()
    open_report(client, key)
    refused = client.post(STATUS, {})  # the box must be ticked
    assert refused.status_code == 200 and b"Tick the box to confirm" in refused.content
    assert SalaryReport.objects.exists()
    response = client.post(STATUS, {"confirm": "on"})
    assert response["Location"] == "/salaries/reports/withdrawn/"
    assert response.cookies["report_link"].value == ""  # the page is closed, too
    assert not SalaryReport.objects.exists()
    event = ModerationEvent.objects.get()
    assert (event.action, event.report_number, event.by) == ("withdrawn", report.pk, None)
    assert "150" not in f"{event.note}{event.reason}"  # nothing of the pay
    used = client.post(STATUS, {"private_link": key})
    assert used.status_code == 404  # a used link leads nowhere


def test_a_withdrawal_deletes_at_once_and_its_figures_change_at_the_next_release(
    client, moderator, django_capture_on_commit_callbacks
):
    key = key_of(client, submit(client, amount="150000"))
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(moderator)
        more_approved_reports(moderator, 29)
        call_command("release_figures", stdout=io.StringIO())
    landing = "/salaries/machine-learning-engineer/np/"
    shown = client.get(landing).content
    assert ReportFigure.objects.get().members == 30
    open_report(client, key)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATUS, {"confirm": "on"})
    assert SalaryObservation.objects.filter(source__key="user-reports").count() == 29
    assert client.get(landing).content == shown  # deleted, yet no figure moved
    with django_capture_on_commit_callbacks(execute=True):
        call_command("release_figures", stdout=io.StringIO())
    assert ReportFigure.objects.get().members == 29  # computed again without it
    assert [e.action for e in ModerationEvent.objects.order_by("at", "pk")].count("withdrawn") == 1


@pytest.mark.parametrize(
    "link", ["nothing", "A" * 22, "x" * 300, "%00", "../admin", "", "http://testserver/#"]
)
def test_a_wrong_link_is_a_404_never_another_report(link):
    client = Client()
    key_of(client, submit(client))
    stranger = Client()
    response = stranger.post(STATUS, {"private_link": link})
    assert response.status_code == 404
    assert b"No report has this link" in response.content
    assert b'name="private_link"' in response.content  # asked again
    assert "report_link" not in response.cookies
    assert b'data-testid="status"' not in stranger.get(STATUS).content


def test_a_link_is_not_derived_from_the_report_number(client):
    first = key_of(client, submit(client))
    second = key_of(client, submit(client, amount="160000"))
    # (A random key may hold a small number's digits by chance: compare whole values.)
    assert first != second and not first.isdigit()
    assert str(SalaryReport.objects.first().pk) != first
    assert SalaryReport.objects.filter(link_hash="").count() == 0
    assert first not in str(list(SalaryReport.objects.values_list("link_hash")))


def test_the_private_link_holds_its_key_only_after_the_hash(client):
    response = submit(client)
    assert "report_link" in response.cookies  # the submitter's browser opens the page
    key = key_of(client, response)
    receipt = client.get(response["Location"]).content.decode()
    assert "Keep this private link: it is the only way to see or withdraw your report." in receipt
    assert receipt.count(key) == 2  # the link's address and its text, each after '#'
    assert receipt.count(f"#{key}") == 2
    assert "no-store" in client.get(STATUS)["Cache-Control"]


@pytest.mark.parametrize(
    "pasted",
    [
        "{key}",
        "  {key}\n",
        "https://talab.example/salaries/reports/status/#{key}",
        "http://testserver/salaries/reports/{key}/?new=1",  # a link handed out before
        "/salaries/reports/{key}/",
    ],
)
def test_a_posted_link_or_key_is_exchanged_for_a_cookie_and_a_page_without_it(pasted):
    owner = Client()
    key = key_of(owner, submit(owner))
    client = Client()
    response = client.post(STATUS, {"private_link": pasted.format(key=key)})
    assert response.status_code == 303
    assert response["Location"] == STATUS
    cookie = response.cookies["report_link"]
    assert (cookie["path"], cookie["max-age"], cookie["samesite"]) == (STATUS, 1800, "Strict")
    assert cookie["httponly"] and not cookie["secure"]  # plain http in tests
    page = client.get(STATUS)
    assert page.status_code == 200
    assert b'data-testid="status">Waiting for review<' in page.content
    assert b'data-testid="receipt"' not in page.content  # the link itself is shown only once
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"  # not no-referrer: its forms need their Origin


def test_over_https_the_cookie_is_secure(client, settings):
    settings.HTTPS = True
    assert submit(client).cookies["report_link"]["secure"]


def test_the_page_without_its_cookie_asks_for_the_link(client):
    key_of(client, submit(client))  # a report, opened in another browser
    page = Client().get(STATUS)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Your private link or key" in content and "csrfmiddlewaretoken" in content
    assert 'name="private_link"' in content and "js/private-link.js" in content
    assert 'data-testid="status"' not in content and "Kathmandu" not in content
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"


def signed(key: str, cookie: str = "report_link", seconds_ago: int = 0) -> str:
    from unittest import mock

    from django.core import signing

    salt = cookie + "portal.private_links." + cookie
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds_ago):
        return signing.get_cookie_signer(salt=salt).sign(key)


@pytest.mark.parametrize(
    "forge",
    [
        lambda key: "nonsense",
        lambda key: key,  # not signed
        lambda key: signed(key, cookie="posting_link"),  # signed for the other app's page
        lambda key: signed(key, seconds_ago=31 * 60),  # older than the page stays open
        lambda key: signed(key)[:-1] + "x",
    ],
)
def test_a_bad_cookie_only_brings_the_form_back(client, forge):
    key = key_of(client, submit(client))
    stranger = Client()
    stranger.cookies["report_link"] = forge(key)
    page = stranger.get(STATUS)
    assert page.status_code == 200 and b'name="private_link"' in page.content
    assert b'data-testid="status"' not in page.content
    assert page.cookies["report_link"].value == ""  # and forgotten
    refused = stranger.post(STATUS, {"confirm": "on"})
    assert refused.status_code == 403 and b"Nothing was changed" in refused.content
    assert SalaryReport.objects.exists()
    stranger.cookies["report_link"] = signed(key)  # the genuine cookie, for comparison
    assert b'data-testid="status"' in stranger.get(STATUS).content


def test_the_key_is_exchanged_only_with_the_forms_csrf_token(client):
    key = key_of(client, submit(client))
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(STATUS, {"private_link": key})
    assert response.status_code == 403 and "report_link" not in response.cookies


def test_an_old_link_leads_on_with_its_key_in_the_fragment_and_shows_nothing(client):
    owner = Client()
    key = key_of(owner, submit(owner))
    response = client.get(f"/salaries/reports/{key}/?new=1")
    assert response.status_code == 302
    assert response["Location"] == f"{STATUS}#{key}"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.content == b"" and "report_link" not in response.cookies
    # An old page's withdrawal form posts there too: it leads on, and withdraws nothing.
    posted = client.post(f"/salaries/reports/{key}/", {"confirm": "on"})
    assert posted.status_code == 302 and SalaryReport.objects.exists()
    landed = client.get(f"/salaries/reports/{key}/", follow=True)  # a fragment is not sent
    assert landed.redirect_chain == [(f"{STATUS}#{key}", 302)]
    assert b'name="private_link"' in landed.content
    assert b'data-testid="status"' not in landed.content
    assert client.get("/salaries/reports/x/")["Location"] == STATUS + "#x"
    assert client.get("/salaries/reports/a%20b/")["Location"] == STATUS  # no key: no fragment


def test_the_hidden_field_catches_bots_without_a_word(client):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == "/salaries/submit/thanks/"
    assert not SalaryReport.objects.exists()


def test_the_same_report_twice_in_a_day_is_refused_politely(client):
    assert submit(client).status_code == 302
    again = submit(client)
    assert again.status_code == 400
    assert b"You sent this same report earlier today" in again.content
    assert 'value="Kathmandu"' in again.content.decode()
    assert SalaryReport.objects.count() == 1


@pytest.mark.parametrize("typed", ["١٥٠٠٠٠", "१५००००", "1,50,000", "150 000"])
def test_amounts_in_other_digits_and_groupings_are_read_as_numbers(client, typed):
    assert submit(client, amount=typed).status_code == 302
    assert SalaryReport.objects.get().amount == Decimal("150000")


def test_a_title_not_in_our_list_waits_for_a_moderator_to_file_it(client, moderator):
    submit(client, role="Prompt Wrangler")
    report = SalaryReport.objects.get()
    assert report.role is None and report.role_title == "Prompt Wrangler"
    response = moderator.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [report.pk]}, follow=True
    )
    assert b"needs a role from our list" in response.content
    role = Role.objects.get(slug="machine-learning-engineer")
    selection = {"action": "map_to_role", "_selected_action": [report.pk]}
    moderator.post(QUEUE, {**selection, "apply": "1", "role": role.pk})
    report.refresh_from_db()
    assert report.role == role
    assert report.approve(by=moderator.user).role == role


def test_a_report_decided_by_someone_else_gives_a_message_not_an_error(client, moderator):
    submit(client)
    report = SalaryReport.objects.get()
    other = User.objects.create_user("other", is_staff=True)
    report.reject(other, "spam")
    response = moderator.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [report.pk]}, follow=True
    )
    assert response.status_code == 200
    assert b"was already rejected by other at" in response.content


@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_at_once_publish_one_observation(reference_data):
    import threading

    from django.db import connection

    client = Client()
    submit(client)
    report = SalaryReport.objects.get()
    users = [User.objects.create_user(f"m{i}", is_staff=True) for i in range(2)]
    outcomes, start = [], threading.Barrier(2)

    def decide(user):
        start.wait()
        try:
            SalaryReport.objects.get(pk=report.pk).approve(by=user)
            outcomes.append("approved")
        except ValueError as problem:
            outcomes.append(str(problem))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("approved") == 1
    (refused,) = [outcome for outcome in outcomes if outcome != "approved"]
    assert re.search(r"already approved by m[01] at", refused)
    assert SalaryObservation.objects.filter(source__key="user-reports").count() == 1


def test_observations_from_reports_change_only_through_the_report(client, moderator):
    submit(client)
    observation = SalaryReport.objects.get().approve(by=moderator.user)
    root = Client()
    root.force_login(User.objects.create_superuser("root", "r@example.org", "pw"))
    change = reverse("admin:salaries_salaryobservation_change", args=[observation.pk])
    delete = reverse("admin:salaries_salaryobservation_delete", args=[observation.pk])
    assert 'name="amount"' not in root.get(change).content.decode()
    root.post(change, {"amount": "1"})
    assert root.post(delete, {"post": "yes"}).status_code == 403
    observation.refresh_from_db()
    assert observation.amount == Decimal("150000")


def test_the_queue_shows_each_reports_group_for_context(client, moderator):
    role = Role.objects.get(slug="machine-learning-engineer")
    for i in range(7):
        SalaryObservationFactory(role=role, employee_country="NP", usd_yearly=10_000 + i * 100)
    submit(client)
    page = moderator.get(QUEUE).content.decode()
    assert "7, $10,300" in page  # 7 reports, median $10,300 a year


def test_old_counters_are_forgotten(client):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from portal.models import Counter

    assert Counter.hit("k", 5, timedelta(hours=1)) is None
    Counter.objects.create(key="k", window_start=timezone.now() - timedelta(days=3), count=9)
    call_command("forget_counters", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert list(Counter.objects.values_list("count", flat=True)) == [1]


def test_odd_links_and_titles_never_give_a_500(client):
    assert client.get(SUBMIT, {"role": "\x00"}).status_code == 200
    assert submit(client, role="bad\x00title").status_code == 400


def test_a_second_click_on_withdraw_is_harmless(client):
    open_report(client, key_of(client, submit(client)))
    report = SalaryReport.objects.get()
    report.withdraw()
    report.withdraw()  # the second request of a double click, already holding the report
    assert not SalaryReport.objects.exists()
    assert client.post(STATUS, {"confirm": "on"}).status_code == 404


def test_a_report_withdrawn_while_a_moderator_decides_gives_a_message(client, moderator):
    submit(client)
    report = SalaryReport.objects.get()
    stale = SalaryReport.objects.get(pk=report.pk)
    report.withdraw()
    with pytest.raises(ValueError, match="withdrawn by its sender meanwhile"):
        stale.approve(by=moderator.user)


def test_the_same_amount_written_two_ways_is_one_duplicate(client):
    assert submit(client, amount="150000").status_code == 302
    assert submit(client, amount="150000.00").status_code == 400


# Sybil friction: many reports from one person leave signs a moderator sees ------------------


def test_reports_alike_in_one_group_are_flagged_for_moderators(moderator):
    senders = [Client(REMOTE_ADDR=f"203.0.113.{n}") for n in range(4)]
    for n, sender in enumerate(senders):
        assert submit(sender, amount=str(150_000 + 1_000 * n)).status_code == 302
    submit(Client(REMOTE_ADDR="203.0.113.99"), amount="400000")  # the same group, other pay
    notes = list(SalaryReport.objects.order_by("pk").values_list("sybil_note", flat=True))
    assert notes[:2] == ["", ""]  # the first two are ordinary
    assert notes[2].startswith("2 reports alike") and notes[3].startswith("3 reports alike")
    assert notes[4] == ""
    flagged = moderator.get(QUEUE, {"sybil": "yes"}).content.decode()
    assert flagged.count('class="field-many_alike"><img src="/static/admin/img/icon-yes') == 2


def test_withdrawals_from_one_connection_flag_its_next_report(client):
    for amount in ("150000", "300000"):
        key_of(client, submit(client, amount=amount))
        client.post(STATUS, {"confirm": "on"})
    submit(client, amount="450000")
    assert (
        SalaryReport.objects.get().sybil_note == "2 withdrawals from its connection in a day or two"
    )
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    submit(stranger, amount="600000")
    assert SalaryReport.objects.order_by("pk").last().sybil_note == ""


def test_a_withdrawal_soon_after_approval_is_noted_in_the_audit_trail(client, moderator):
    key = key_of(client, submit(client))
    approve_all(moderator)
    open_report(client, key)
    client.post(STATUS, {"confirm": "on"})
    withdrawn = ModerationEvent.objects.get(action="withdrawn")
    assert withdrawn.note == "within a day of its approval"


def test_an_error_summary_opens_the_form_and_links_each_field(client):
    """On a phone the page reloads at its top: the summary is focused there (autofocus) and
    each problem links to its field, so nobody scrolls 2.5 screens to find it."""
    response = client.post("/salaries/submit/", {"amount": "lots", "years_experience": "99"})
    page = response.content.decode()
    summary = page[page.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert (
        'tabindex="-1" autofocus'
        in page[page.index('class="card error-card error-summary"') :][:120]
    )
    assert '<a href="#id_amount">Gross pay: Write the amount in digits' in summary
    assert '<a href="#id_years_experience">Years of experience: Write your years' in summary
    assert 'value="lots"' in page  # what was typed is kept

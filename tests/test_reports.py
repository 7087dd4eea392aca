import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from salaries.models import (
    ModerationEvent,
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
    assert re.fullmatch(r"/salaries/reports/[\w-]{22}/\?new=1", response["Location"])
    report = SalaryReport.objects.get()
    assert report.status == ReportStatus.PENDING and report.observation is None
    assert not SalaryObservation.objects.filter(employee_country="NP").exists()
    assert b"waiting for a moderator" in client.get(response["Location"]).content


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"amount": "-5"}, "amount", "Give an amount above zero."),
        ({"amount": "lots"}, "amount", "Enter a number."),
        ({"amount": "900000000", "period": "hour"}, "amount", "too large to be pay"),
        ({"amount": "999999999", "period": "month"}, "amount", "more than any salary we can count"),
        ({"amount": "2000", "period": "year"}, "amount", "Check the amount and the period"),
        ({"bonus": "1000000000"}, "bonus", "more than any salary we can count"),
        ({"equity": "1e9"}, "equity", "more than any salary we can count"),
        ({"year": "2999"}, "year", "Give a year between 2000"),
        ({"years_experience": "99"}, "years_experience", "less than or equal to 60"),
        ({"role": ""}, "role", "This field is required"),
        ({"currency": "XYZ"}, "currency", "Select a valid choice"),
        ({"country": ""}, "country", "This field is required"),
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

    kathmandu = City.objects.create(name="Kathmandu", country="NP")
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
    submit(client, company="Secret Startup Pvt Ltd", city="Biratnagar", amount="160000")
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


def link_of(response) -> str:
    return response["Location"].split("?")[0]


def approve_all(moderator):
    pending = list(SalaryReport.objects.pending().values_list("pk", flat=True))
    moderator.post(QUEUE, {"action": "approve_selected", "_selected_action": pending})


def count_on(page: bytes) -> str:
    return re.search(rb'data-testid="count">([^<]+)<', page).group(1).decode()


def test_reports_go_from_the_form_to_the_figures_once_five_are_approved(
    client, moderator, django_capture_on_commit_callbacks
):
    links = [link_of(submit(client, amount=str(150_000 + 1_000 * i))) for i in range(5)]
    landing = "/salaries/machine-learning-engineer/np/"
    assert count_on(client.get(landing).content) == "fewer than 5"
    assert b"Waiting for review" in client.get(links[0]).content
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(moderator)
    assert count_on(client.get(landing).content) == "5"
    assert b'data-testid="status">Approved<' in client.get(links[0]).content


def test_withdrawing_before_approval_deletes_the_report_and_keeps_no_pay(client):
    link = link_of(submit(client))
    report = SalaryReport.objects.get()
    refused = client.post(link, {})  # the box must be ticked
    assert refused.status_code == 200 and b"Tick the box to confirm" in refused.content
    assert SalaryReport.objects.exists()
    response = client.post(link, {"confirm": "on"})
    assert response["Location"] == "/salaries/reports/withdrawn/"
    assert not SalaryReport.objects.exists()
    event = ModerationEvent.objects.get()
    assert (event.action, event.report_number, event.by) == ("withdrawn", report.pk, None)
    assert "150" not in f"{event.note}{event.reason}"  # nothing of the pay
    assert client.get(link).status_code == 404  # a used link leads nowhere


def test_withdrawing_after_approval_moves_the_figures_back(
    client, moderator, django_capture_on_commit_callbacks
):
    links = [link_of(submit(client, amount=str(150_000 + 1_000 * i))) for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(moderator)
    landing = "/salaries/machine-learning-engineer/np/"
    assert count_on(client.get(landing).content) == "5"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(links[2], {"confirm": "on"})
    assert SalaryObservation.objects.filter(source__key="user-reports").count() == 4
    assert count_on(client.get(landing).content) == "fewer than 5"
    assert [e.action for e in ModerationEvent.objects.order_by("at", "pk")].count("withdrawn") == 1


@pytest.mark.parametrize("link", ["nothing", "A" * 22, "x" * 300, "%00", "../admin"])
def test_a_wrong_link_is_a_404_never_another_report(client, link):
    submit(client)
    assert client.get(f"/salaries/reports/{link}/").status_code == 404


def test_a_link_is_not_derived_from_the_report_number(client):
    first, second = link_of(submit(client)), link_of(submit(client, amount="160000"))
    assert first != second and str(SalaryReport.objects.first().pk) not in first.split("/")[-2]
    assert SalaryReport.objects.filter(link_hash="").count() == 0
    assert first.split("/")[-2] not in str(list(SalaryReport.objects.values_list("link_hash")))


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
    link = link_of(submit(client))
    report = SalaryReport.objects.get()
    report.withdraw()
    report.withdraw()  # the second request of a double click, already holding the report
    assert not SalaryReport.objects.exists()
    assert client.post(link, {"confirm": "on"}).status_code == 404


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

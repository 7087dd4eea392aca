"""Every message a visitor reads says what to type: none of Django's programmer's phrasing
("This field is required.", "Enter a number.") reaches a page, whatever is sent."""

from datetime import date

import pytest

from portal.forms import PlainMessages, django_defaults, plain_messages
from salaries.forms import OfferForm, SalaryReportForm

pytestmark = pytest.mark.usefixtures("reference_data")

DJANGO_PHRASES = [
    "This field is required", "Enter a number", "Enter a whole number", "Ensure this value",
    "Select a valid choice", "Enter a valid", "Ensure that there are no more",
]  # fmt: skip
GARBAGE = {
    "role": "x" * 500, "country": "ZZ", "city": "999999", "level": "guru", "year": "then",
    "years_experience": "99", "amount": "lots", "currency": "XXX", "period": "decade",
    "remote_ratio": "7", "company_size": "huge", "employment_type": "slave", "pay_min": "lots",
    "pay_max": "", "valid_through": "tomorrow", "apply_url": "not a url",
    "apply_email": "nobody", "title": "", "workplace": "moon", "countries": ["ZZ", "QQ"],
    "levels": ["guru"], "experience_min": "-4", "experience_max": "x", "display": "gold",
    "sort": "random", "per_page": "7", "min_pay": "lots", "posted_within": "forever",
    "pay_period": "decade",
}  # fmt: skip


@pytest.mark.parametrize(
    "method, url",
    [
        ("post", "/salaries/submit/"),
        ("post", "/jobs/post/"),
        ("get", "/offer/"),
        ("get", "/compare/"),
        ("get", "/salaries/"),
        ("get", "/jobs/"),
        ("get", "/salaries/find/"),
    ],
)
def test_no_page_shows_django_s_own_messages(client, method, url):
    response = getattr(client, method)(url, GARBAGE)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert 'class="error' in page or "has-error" in page  # the garbage was refused
    found = [phrase for phrase in DJANGO_PHRASES if phrase in page]
    assert not found, found


def test_years_of_experience_says_what_to_type(client):
    page = client.post("/salaries/submit/", {"years_experience": "lots"}).content.decode()
    assert "Write your years of experience as a whole number from 0 to 60." in page


def test_a_message_the_form_sets_itself_is_kept():
    form = SalaryReportForm(data={})
    assert form.fields["consent"].error_messages["required"].startswith("Please tick the box")
    assert form.fields["amount"].error_messages["invalid"].startswith("Write the amount")


def test_every_django_default_on_the_offer_form_is_replaced():
    form = OfferForm()
    assert isinstance(form, PlainMessages)
    for field in form.fields.values():
        defaults = django_defaults(field)
        for code in plain_messages(field):
            if code in defaults:
                assert field.error_messages[code] != defaults[code], code


def test_the_error_summary_names_each_field_but_a_box_to_tick(client):
    page = client.post("/salaries/submit/", {"years_experience": "lots"}).content.decode()
    start = page.index('data-testid="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert ">Years of experience: Write your years of experience as a whole number" in summary
    assert ">Please tick the box to agree, or your report cannot be sent.<" in summary
    assert ">Gross pay: Write the amount in digits, such as 1,50,000" in summary
    assert (
        f">Year the pay is for: Write a whole number in digits, such as {date.today().year}.<"
        in summary
    )

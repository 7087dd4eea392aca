"""The employer edits a posting on its private page: the form shows every field as saved, so
changing one field and saving changes that field and nothing else. And the posting's page
says how to apply in words that fit what it gives."""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.forms.models import model_to_dict

from jobs.models import JobPosting
from salaries.models import City
from tests.factories import JobPostingFactory
from tests.test_jobs import MANAGE, link_of, post

pytestmark = pytest.mark.usefixtures("reference_data")


class FormValues(HTMLParser):
    """What a browser would send for the page's "Change the posting" form, untouched."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = "posting-form" in (attrs.get("class") or "")
        if not self.in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("checkbox", "submit"):
            self.data.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.data.setdefault(attrs["name"], []).append(attrs.get("value") or "on")
        elif tag == "select":
            self.select = attrs["name"]
            self.data.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select].append(attrs["value"])
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.data[self.textarea][0] = self.data[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.in_form = False


def form_values(page: str) -> dict[str, list[str]]:
    parser = FormValues()
    parser.feed(page)
    return parser.data


def saved(posting) -> dict:
    return model_to_dict(JobPosting.objects.get(pk=posting.pk))


# A new value for each field the employer may change, as typed (the city and date are made
# when the test runs).
EDITS = {
    "title": "Lead ML engineer",
    "company_name": "Everest AI",
    "confidential": "on",
    "role": "ai-engineer",
    "level": "mid",
    "country": "IN",
    "city": lambda: str(City.objects.get_or_create(name="Kathmandu", country="NP")[0].pk),
    "employment_type": "contract",
    "workplace": "on_site",
    "pay_min": "160000.00",
    "pay_max": "260000.00",
    "bonus": "Up to 10% of salary",
    "equity": "Stock options",
    "benefits": "Health insurance",
    "description": "You will build models.",
    "apply_url": "https://example.com/jobs/43",
    "apply_email": "jobs@example.com",
    "valid_through": lambda: (date.today() + timedelta(days=30)).isoformat(),
}


@pytest.mark.parametrize("field", EDITS)
def test_changing_one_field_saves_it_and_keeps_every_other(client, field):
    typed = EDITS[field]() if callable(EDITS[field]) else EDITS[field]
    link_of(post(client, send="draft"), client)
    posting = JobPosting.objects.get()
    before = saved(posting)
    data = form_values(client.get(MANAGE).content.decode())
    assert data["role"] == ["machine-learning-engineer"]  # shown chosen, not "Choose a role"
    response = client.post(MANAGE, {**data, field: typed, "action": "save"})
    assert response["Location"] == MANAGE + "?done=saved"
    after = saved(posting)
    assert {name for name in before if before[name] != after[name]} == {field}
    assert form_values(client.get(MANAGE).content.decode())[field] == [typed]  # as saved


def test_a_posting_with_only_an_e_mail_says_to_apply_by_e_mail(client):
    posting = JobPostingFactory(apply_url="", apply_email="jobs@example.com")
    page = client.get(posting.get_absolute_url()).content.decode()
    assert "Apply by e-mail:" in page and "Or by e-mail" not in page


def test_countries_applicants_may_live_in_are_typed_by_name(client):
    link_of(post(client, workplace="remote", remote_countries="india, Nepal; usa"), client)
    posting = JobPosting.objects.get()
    assert [country.code for country in posting.remote_countries] == ["IN", "NP", "US"]
    page = client.get(MANAGE).content.decode()
    assert form_values(page)["remote_countries"] == ["India, Nepal, United States of America"]
    assert '<option value="Nepal">' in page  # offered as the employer types


def test_a_country_we_do_not_know_is_named_and_what_was_typed_is_kept(client):
    response = post(client, workplace="remote", remote_countries="India, Narnia")
    page = response.content.decode()
    assert response.status_code == 400 and not JobPosting.objects.exists()
    assert "We do not know the country “Narnia”. Type country names separated by commas" in page
    assert 'value="India, Narnia"' in page


def test_a_feed_or_a_form_may_send_country_codes_one_by_one(client):
    link_of(post(client, workplace="remote", remote_countries=["NP", "IN"]), client)
    assert {c.code for c in JobPosting.objects.get().remote_countries} == {"NP", "IN"}

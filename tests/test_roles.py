"""The role taxonomy: survey titles filed under canonical roles (at the level a title holds),
titles that name no role never shown as roles, old role addresses sent on."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from salaries.models import Level, Role, RoleAlias
from tests.factories import SalaryObservationFactory, SourceFactory

pytestmark = pytest.mark.usefixtures("reference_data")

MLE = "machine-learning-engineer"


def survey_row(title, role=None, level=Level.SENIOR, **fields):
    """A survey row as an import before the taxonomy left it: under a role named as its title."""
    role = role or Role.objects.get_or_create(name=title)[0]
    return SalaryObservationFactory(
        role=role, source=SourceFactory(key="survey", title="A survey"), level=level,
        source_title=title, usd_yearly=Decimal(150_000), **fields,
    )  # fmt: skip


def test_a_company_name_is_not_a_role_page(client):
    assert RoleAlias.objects.get(name="Bear Robotics").role.general
    assert client.get("/salaries/bear-robotics/").status_code == 404
    assert client.get("/salaries/bear-robotics/us/").status_code == 404
    assert client.get("/salaries/unspecified/").status_code == 404


def test_an_old_role_address_is_sent_on_to_its_role_and_level(client):
    response = client.get("/salaries/lead-machine-learning-engineer/")
    assert response.status_code == 301
    assert response["Location"] == f"/salaries/{MLE}/?level=lead"
    response = client.get("/salaries/ml-infrastructure-engineer/np/")
    assert (response.status_code, response["Location"]) == (301, "/salaries/mlops-engineer/np/")


def test_generic_titles_are_never_offered_as_roles(client):
    for title in ("Engineer", "Manager", "Associate", "Consultant", "Stage", "Bear Robotics"):
        for _ in range(6):
            survey_row(title, role=Role.objects.general_role())
    home = client.get("/").content.decode()
    listing = client.get("/salaries/").content.decode()
    offer = client.get("/offer/").content.decode()
    for page in (home, listing, offer):
        assert "Unspecified role" not in page
        assert not re.search(
            r">(Engineer|Manager|Associate|Consultant|Stage|Bear Robotics)\b", page
        )
    # Their rows still count where every role counts.
    assert '<strong data-testid="count">36</strong> individual reports' in listing


def test_the_loader_files_titles_that_were_roles_of_their_own_under_their_role():
    """A database imported before the taxonomy: "Lead Machine Learning Engineer" was a role with
    its own rows at the survey's level. Loading the reference data moves them to machine
    learning engineer at lead level, and the old role is gone."""
    RoleAlias.objects.filter(name="Lead Machine Learning Engineer").delete()
    row = survey_row("Lead Machine Learning Engineer")
    call_command("load_reference_data", stdout=io.StringIO())
    row.refresh_from_db()
    assert (row.role.slug, row.level) == (MLE, Level.LEAD)
    assert not Role.objects.filter(name="Lead Machine Learning Engineer").exists()


def test_editing_a_title_in_the_admin_refiles_its_rows(admin_client):
    row = survey_row("Machine Learning Modeler", role=Role.objects.get(slug=MLE), level="mid")
    alias = RoleAlias.objects.get(name="Machine Learning Modeler")
    data_scientist = Role.objects.get(slug="data-scientist")
    response = admin_client.post(
        f"/admin/salaries/rolealias/{alias.pk}/change/",
        {"name": alias.name, "role": data_scientist.pk, "level": "senior"},
        follow=True,
    )
    assert "1 survey rows were filed again by their title." in response.content.decode()
    row.refresh_from_db()
    assert (row.role, row.level) == (data_scientist, Level.SENIOR)


def test_the_title_mapping_is_published_as_csv(client):
    survey_row("Lead Machine Learning Engineer", role=Role.objects.get(slug=MLE), level="lead")
    survey_row("Machine Learning Engineer", role=Role.objects.get(slug=MLE))
    survey_row("Machine Learning Engineer", role=Role.objects.get(slug=MLE), level="mid")
    survey_row("Bear Robotics", role=Role.objects.general_role())
    response = client.get("/methodology/roles.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["title", "role", "level"]
    assert rows[1:] == [
        ["Bear Robotics", "unspecified", ""],
        ["Lead Machine Learning Engineer", MLE, "lead"],
        ["Machine Learning Engineer", MLE, ""],
    ]
    assert 'href="/methodology/roles.csv"' in client.get("/methodology/").content.decode()


def test_every_survey_title_in_the_seed_maps_to_a_listed_role_or_the_general_one():
    slugs = set(Role.objects.values_list("slug", flat=True))
    with open("salaries/seed/role_titles.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len({row["title"].lower() for row in rows}), "each title once"
    for row in rows:
        assert row["role"] in slugs, row
        assert row["level"] in ("", *Level.values), row
    held = {row["title"]: row["level"] for row in rows}
    assert held["Principal Data Scientist"] == held["Staff Data Scientist"] == "lead"
    assert held["Head of Data"] == "executive"


def test_compare_offers_only_countries_with_figures(client):
    page = client.get("/compare/").content.decode()
    assert ">Nepal (published estimates)<" in page
    assert "Naoero" not in page and "Nauru" not in page


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("ml engineer", MLE), ("MLE", MLE), ("genai engineer", "ai-engineer"),
     ("Lead Machine Learning Engineer", MLE), ("data science", "data-scientist")],
)  # fmt: skip
def test_the_home_find_box_knows_the_names_people_use(client, typed, slug):
    response = client.get("/salaries/find/", {"role": typed})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/salaries/{slug}/")

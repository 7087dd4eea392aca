import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from salaries.models import PublishedRange, Role, RoleAlias, SalaryObservation
from tests.factories import RoleFactory, SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


MODELS = [
    "currency", "role", "rolealias", "industry", "city", "company", "companyalias", "exchangerate",
    "purchasingpowerfactor", "source", "importbatch", "publishedrange", "salaryobservation",
]  # fmt: skip


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_and_add_page_opens(admin_client, model):
    assert admin_client.get(reverse(f"admin:salaries_{model}_changelist")).status_code == 200
    add = admin_client.get(reverse(f"admin:salaries_{model}_add"))
    assert add.status_code == (403 if model == "importbatch" else 200)


def test_published_ranges_are_listed_with_their_citation(admin_client):
    response = admin_client.get(reverse("admin:salaries_publishedrange_changelist"))
    assert b"Machine Learning Engineer Salary in Nepal and Abroad" in response.content
    assert b"Nepal, mid-level, monthly" in response.content
    search = admin_client.get(
        reverse("admin:salaries_publishedrange_changelist"), {"q": "Bengaluru"}
    )
    assert b"Bengaluru" in search.content


def test_observation_changelist_query_count_does_not_grow_with_rows(
    admin_client, django_assert_max_num_queries
):
    SalaryObservationFactory.create_batch(120)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:salaries_salaryobservation_changelist"))
    assert response.status_code == 200
    assert response.content.count(b'<th class="field-id">') == 100


def test_rates_and_ppp_factors_are_editable(admin_client):
    from salaries.models import ExchangeRate, PurchasingPowerFactor

    rate = ExchangeRate.objects.filter(currency="NPR").first()
    url = reverse("admin:salaries_exchangerate_change", args=[rate.pk])
    response = admin_client.post(
        url,
        {
            "currency": "NPR",
            "units_per_usd": "140.5",
            "as_of": rate.as_of.isoformat(),
            "source": "Nepal Rastra Bank",
        },
    )
    assert response.status_code == 302
    rate.refresh_from_db()
    assert str(rate.units_per_usd) == "140.500000" and rate.source == "Nepal Rastra Bank"

    factor = PurchasingPowerFactor.objects.get(country="NP", year=2023)
    url = reverse("admin:salaries_purchasingpowerfactor_change", args=[factor.pk])
    response = admin_client.post(
        url,
        {
            "country": "NP",
            "year": "2023",
            "lcu_per_international_dollar": "32.25",
            "currency": "NPR",
            "source": "World Bank",
        },
        follow=True,
    )
    assert b"Recomputed the figures of" in response.content  # figures follow the factor
    factor.refresh_from_db()
    assert str(factor.lcu_per_international_dollar) == "32.250000"


def test_merging_roles_moves_facts_and_keeps_the_old_title_as_an_alias(admin_client):
    target = Role.objects.get(name="Machine Learning Engineer")
    other = RoleFactory(name="ML Engineer")
    SalaryObservationFactory.create_batch(3, role=other)
    ranges_before = PublishedRange.objects.filter(role=target).count()
    url = reverse("admin:salaries_role_changelist")
    selection = {"action": "merge_roles", "_selected_action": [target.pk, other.pk]}
    confirm = admin_client.post(url, selection)
    assert b"Merge into" in confirm.content
    done = admin_client.post(url, {**selection, "apply": "1", "target": target.pk})
    assert done.status_code == 302
    assert not Role.objects.filter(pk=other.pk).exists()
    assert SalaryObservation.objects.filter(role=target).count() == 3
    assert PublishedRange.objects.filter(role=target).count() == ranges_before
    assert RoleAlias.objects.get(name="ML Engineer").role == target

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


def test_merging_roles_with_a_pay_gap_and_a_duplicate_range_succeeds_whole(admin_client):
    from salaries.models import PublishedPayGap, PublishedRange, Role, RoleAlias

    mle = Role.objects.get(slug="machine-learning-engineer")
    ai = Role.objects.get(name="AI Engineer")
    assert PublishedPayGap.objects.filter(role=ai, compared_to=mle).exists()  # seeded
    seeded = PublishedRange.objects.filter(role=mle).first()
    PublishedRange.objects.create(  # the same range, filed under the other role
        source=seeded.source, role=ai, country=seeded.country, city=seeded.city,
        region=seeded.region, level=seeded.level, years_min=seeded.years_min,
        industry=seeded.industry, pay_basis=seeded.pay_basis,
        employment_type=seeded.employment_type, period=seeded.period,
        currency=seeded.currency, low=seeded.low, high=seeded.high, year=seeded.year,
        label="a twin",
    )  # fmt: skip
    before = PublishedRange.objects.count()
    selection = {"action": "merge_roles", "_selected_action": [mle.pk, ai.pk]}
    confirm = admin_client.post(reverse("admin:salaries_role_changelist"), selection)
    assert b"AI Engineer: 0 observations, 1 published ranges, 0 salary reports" in confirm.content
    response = admin_client.post(
        reverse("admin:salaries_role_changelist"),
        {**selection, "apply": "1", "target": mle.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "Merged AI Engineer into Machine Learning Engineer" in page
    assert "Dropped the pay gap" in page and "Kept once the published range" in page
    assert not Role.objects.filter(name="AI Engineer").exists()
    assert RoleAlias.objects.filter(name="AI Engineer", role=mle).exists()
    assert PublishedRange.objects.count() == before - 1
    assert not PublishedPayGap.objects.filter(role=mle, compared_to=mle).exists()


def test_a_merge_that_fails_leaves_every_role_as_it_was(admin_client, monkeypatch):
    from salaries.models import Role

    roles = [Role.objects.create(name=f"Role {i}") for i in range(3)]
    calls = []
    original = Role.merge_into

    def merge_then_fail(self, target):
        calls.append(self)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(self, target)

    monkeypatch.setattr(Role, "merge_into", merge_then_fail)
    selection = {"action": "merge_roles", "_selected_action": [r.pk for r in roles]}
    with pytest.raises(RuntimeError):
        admin_client.post(
            reverse("admin:salaries_role_changelist"),
            {**selection, "apply": "1", "target": roles[0].pk},
        )
    assert Role.objects.filter(pk__in=[r.pk for r in roles]).count() == 3  # none merged

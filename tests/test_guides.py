import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from careers.management.commands.load_guides import read_guide
from careers.models import Guide
from salaries.models import Role
from tests.factories import SalaryObservationFactory

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def guides(db):
    call_command("load_guides")
    return Guide.objects.all()


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_shipped_guides_load_once_and_are_listed(client, guides):
    Guide.objects.filter(slug="machine-learning-engineer-india").update(title="Edited")
    call_command("load_guides")
    assert Guide.objects.count() == 2
    assert Guide.objects.filter(title="Edited").exists()  # an editor's change survives
    page = text_of(client.get("/guides/"))
    assert "Working as a machine learning engineer in Nepal" in page
    assert "Working as a machine learning engineer in Nepal" in page and "Edited" in page


def test_a_guide_shows_live_figures_that_follow_the_data(
    client, guides, django_capture_on_commit_callbacks
):
    url = "/guides/machine-learning-engineer-india/"
    before = text_of(client.get(url))
    assert "Figures from our data" in before and "Not enough reports yet" in before
    role = Role.objects.get(slug="machine-learning-engineer")
    with django_capture_on_commit_callbacks(execute=True):
        for amount in (20_000, 21_000, 22_000, 23_000, 24_000):
            SalaryObservationFactory(
                role=role, employee_country="IN", usd_yearly=Decimal(amount), ppp_yearly=None
            )
    after = text_of(client.get(url))
    assert 'data-testid="count">5<' in after
    assert "Not enough reports yet" not in after
    assert "Machine Learning Engineer Salary Trends" in after  # cited published ranges


def test_guide_markdown_cannot_carry_scripts_or_javascript_links(client):
    Guide.objects.create(
        title="Unsafe",
        slug="unsafe",
        role=Role.objects.get(slug="machine-learning-engineer"),
        summary="s",
        body="## Fine heading\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
        '<img src=x onerror="alert(3)">',
        published=True,
        published_on=date(2026, 1, 1),
    )
    page = client.get("/guides/unsafe/").content.decode()
    assert "<h2>Fine heading</h2>" in page
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page


def test_unpublished_and_unknown_guides_are_404(client):
    Guide.objects.create(
        title="Draft",
        slug="draft",
        role=Role.objects.get(slug="machine-learning-engineer"),
        summary="s",
        body="b",
    )
    assert client.get("/guides/draft/").status_code == 404
    assert client.get("/guides/nope/").status_code == 404
    assert "Draft" not in client.get("/guides/").content.decode()


def test_landing_pages_link_related_guides(client, guides):
    page = text_of(client.get("/salaries/machine-learning-engineer/np/"))
    assert 'href="/guides/machine-learning-engineer-nepal/"' in page
    assert "machine-learning-engineer-india" not in page
    assert "Add your salary as a Machine Learning Engineer" in page


def test_guide_list_query_count_is_fixed(client, guides, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/guides/")


def test_a_malformed_guide_file_gives_a_clear_message(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("title: Broken\nno colon here\n---\nBody\n")
    with pytest.raises(CommandError, match="broken.md, line 2: expected 'key: value'"):
        read_guide(path)
    path.write_text("title: No separator\n")
    with pytest.raises(CommandError, match="no '---' line"):
        read_guide(path)


def test_published_guides_are_in_the_sitemap(client, guides):
    body = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/guides/machine-learning-engineer-nepal/" in body

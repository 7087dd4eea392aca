import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

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


def test_the_shipped_guides_load_and_editors_changes_survive_a_reload(client, guides):
    assert guides.count() >= 6
    edited = Guide.objects.get(slug="machine-learning-engineer-india")
    edited.title = "Edited"
    edited.save()
    Guide.objects.filter(slug="machine-learning-engineer-usa").update(body="An old shipped text")
    Guide.objects.filter(slug="machine-learning-engineer-usa").update(seed_digest="")
    out = io.StringIO()
    call_command("load_guides", stdout=out)
    assert "machine-learning-engineer-india: changed by an editor, left as it is." in out.getvalue()
    assert Guide.objects.filter(title="Edited").exists()
    page = text_of(client.get("/guides/"))
    assert "Machine learning engineer pay in Nepal" in page and "Edited" in page


def test_a_guide_loaded_earlier_and_never_edited_takes_the_new_text(db):
    """Guides shipped before load_guides remembered its text are updated when untouched."""
    old = Path(__file__).parent / "data" / "guide-shipped-2026-11-23.md"
    fields, body = read_guide(old)
    Guide.objects.create(
        slug="machine-learning-engineer-nepal", title=fields["title"], summary=fields["summary"],
        role=Role.objects.get(slug="machine-learning-engineer"), country="NP", body=body,
        status="published", published_on=date(2026, 11, 23),
    )  # fmt: skip
    call_command("load_guides", stdout=io.StringIO())
    guide = Guide.objects.get(slug="machine-learning-engineer-nepal")
    assert "Few people in Nepal have answered" not in guide.body
    assert guide.questions.exists()


def test_a_guide_shows_live_figures_that_follow_the_data(
    client, guides, django_capture_on_commit_callbacks
):
    url = "/guides/machine-learning-engineer-india/"
    before = text_of(client.get(url))
    assert "worked out from the data" in before and "Not enough reports yet" in before
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
        status="published",
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


def test_guide_list_query_count_is_fixed(client, guides, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/guides/").status_code == 200
        return len(captured)

    few = queries()
    with django_capture_on_commit_callbacks(execute=True):  # more guides: the list is cold again
        for n in range(8):
            guide_with("More.", slug=f"more-{n}", title=f"More {n}")
    assert queries() == few <= 12


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


# Figures inside the prose ---------------------------------------------------------------------


def guide_with(body, status="published", **fields):
    return Guide.objects.create(
        title=fields.pop("title", "Marked guide"), slug=fields.pop("slug", "marked"),
        role=Role.objects.get(slug="machine-learning-engineer"), summary="s", body=body,
        status=status, published_on=date(2026, 1, 1), **fields,
    )  # fmt: skip


def us_engineers(count=24):
    role = Role.objects.get(slug="machine-learning-engineer")
    for n in range(count):
        level = "senior" if n % 2 else "mid"
        SalaryObservationFactory(role=role, level=level, amount=Decimal(101_111 + 4_321 * n))


def test_an_embedded_median_equals_the_salary_page_figure_for_the_same_group(client):
    us_engineers()
    guide_with(
        "US seniors earn [[median role=machine-learning-engineer country=us level=senior]] a "
        "year.\n\n[[figures role=machine-learning-engineer country=us by=level]]\n"
    )
    page = text_of(client.get("/guides/marked/"))
    landing = text_of(client.get("/salaries/machine-learning-engineer/us/?level=senior"))
    median = re.search(r'data-testid="median">([^<]+)<', landing).group(1)
    assert (
        f'<span class="figure">{median}</span> <span class="figure-note">(median of 12 people'
        in page
    )
    levels = text_of(client.get("/salaries/machine-learning-engineer/us/"))
    senior_row = re.search(r"Senior</td>.*?</tr>", levels).group(0)
    assert senior_row in page  # the by-level table is the landing page's row for row


def test_block_markers_render_tables_and_inline_counts_read_naturally(client):
    us_engineers()
    guide_with(
        "The survey holds [[count role=machine-learning-engineer country=us]] here and "
        "[[count role=machine-learning-engineer country=np]] in Nepal.\n\n"
        "[[compare role=machine-learning-engineer countries=us,np unit=ppp]]\n\n"
        "[[roles roles=machine-learning-engineer,ai-engineer country=us]]\n\n"
        "[[ranges role=machine-learning-engineer country=np]]\n\n"
        "[[figures role=machine-learning-engineer country=us]]\n"
    )
    page = text_of(client.get("/guides/marked/"))
    assert '<span class="figure">24 people</span> here' in page
    assert '<span class="figure">fewer than 5 people</span> in Nepal' in page
    assert "Nepal</td>" in page and "United States of America</td>" in page
    assert "PPP-adjusted international dollars" in page  # the comparison's unit, stated
    assert "AI Engineer</td>" in page
    assert "Machine Learning Engineer Salary in Nepal and Abroad" in page  # ranges cite
    assert "Middle half" in page
    assert "[[" not in page


@pytest.mark.parametrize(
    "marker, reason",
    [
        ("[[mean role=machine-learning-engineer]]", "is not a kind of figure"),
        ("[[median]]", "median needs role"),
        ("[[median role=nobody]]", "there is no role"),
        ("[[median role=machine-learning-engineer country=zz]]", "is not a country code"),
        ("[[median role=machine-learning-engineer level=boss]]", "is not a level"),
        ("[[median role=machine-learning-engineer unit=btc]]", "is not a unit"),
        ("[[median role=machine-learning-engineer colour=red]]", "not “colour”"),
        ("[[median role]]", "should read key=value"),
        ("[[figures role=machine-learning-engineer by=city]]", "split by level only"),
        ("[[compare role=machine-learning-engineer countries=np,in unit=local]]", "usd or ppp"),
        ("[[]]", "is not a kind of figure"),
    ],
)
def test_a_bad_marker_is_dropped_for_visitors_and_explained_to_staff(
    client, admin_client, marker, reason
):
    guide = guide_with(f"Before {marker} after.")
    public = client.get("/guides/marked/")
    assert public.status_code == 200
    assert "<p>Before after.</p>" in text_of(public) and reason not in text_of(public)
    preview = admin_client.get(f"/admin/careers/guide/{guide.pk}/preview/")
    assert preview.status_code == 200
    assert reason in preview.content.decode()


def test_a_table_marker_inside_a_sentence_is_refused_not_nested_in_a_paragraph(admin_client):
    guide = guide_with("See [[figures role=machine-learning-engineer by=level]] here.")
    page = admin_client.get(f"/admin/careers/guide/{guide.pk}/preview/").content.decode()
    assert "a table stands alone on its line" in page and "<p>See <div" not in page


def test_drafts_are_hidden_from_visitors_search_and_sitemap_but_editors_preview_them(
    client, admin_client
):
    guide = guide_with("Draft words about Kathmandu.", status="draft", slug="draft-guide")
    assert client.get("/guides/draft-guide/").status_code == 404
    assert "draft-guide" not in client.get("/sitemap.xml").content.decode()
    assert "draft-guide" not in client.get("/search/", {"q": "Kathmandu"}).content.decode()
    preview = admin_client.get(f"/admin/careers/guide/{guide.pk}/preview/").content.decode()
    assert "Preview of a draft" in preview and "Draft words about Kathmandu." in preview
    change = admin_client.get(f"/admin/careers/guide/{guide.pk}/change/").content.decode()
    assert f"/admin/careers/guide/{guide.pk}/preview/" in change
    staff = Client()
    staff.force_login(User.objects.create_user("writer", is_staff=True))
    assert staff.get(f"/admin/careers/guide/{guide.pk}/preview/").status_code == 403


def test_guides_tell_search_engines_what_they_are(client, guides):
    page = client.get("/guides/machine-learning-engineer-nepal/").content.decode()
    blocks = [json.loads(b) for b in re.findall(r'ld\+json">(.+?)</script>', page, re.S)]
    article, faq = blocks
    assert article["@type"] == "Article" and article["headline"].startswith("Machine learning")
    assert article["datePublished"] and article["dateModified"] and article["author"]["name"]
    assert faq["@type"] == "FAQPage" and len(faq["mainEntity"]) >= 3
    assert all(q["acceptedAnswer"]["text"] for q in faq["mainEntity"])
    assert "[[" not in json.dumps(faq)  # markers in answers are filled in
    assert '<meta property="og:title" content="Machine learning engineer pay in Nepal">' in page
    assert (
        '<link rel="canonical" href="http://testserver/guides/machine-learning-engineer-nepal/">'
        in page
    )
    assert "Read next" in page and "Sources this guide cites" in page


def test_every_shipped_guide_renders_its_markers(client, guides):
    for guide in guides:
        page = client.get(guide.get_absolute_url()).content.decode()
        assert "[[" not in page, guide.slug
        assert "marker-error" not in page, guide.slug
        assert 'class="figure' in page, guide.slug


def test_shipped_markers_are_all_readable(admin_client, guides):
    """An editor previewing any shipped guide sees no marker error (all roles exist)."""
    from tests.factories import RoleFactory

    RoleFactory(name="Data Scientist")
    for guide in guides:
        page = admin_client.get(f"/admin/careers/guide/{guide.pk}/preview/").content.decode()
        assert "marker-error" not in page, guide.slug


def test_a_marker_inside_a_link_address_is_dropped_not_spliced_into_the_tag(client):
    guide_with("[see here]([[count role=machine-learning-engineer]]) and [[count role=x]].")
    page = text_of(client.get("/guides/marked/"))
    assert '<a href="' in page and "<span" not in page.split('<a href="', 1)[1].split(">", 1)[0]
    assert "TALABFIGURE" not in page


def test_a_worldwide_figure_says_how_much_of_it_one_country_is(client):
    """ "Over every country" rests mostly on American answers: the share marker says how much,
    counted from the same rows the median uses."""
    us_engineers(24)  # 12 mid, 12 senior, all in the US (the factory's country)
    role = Role.objects.get(slug="machine-learning-engineer")
    for _ in range(6):
        SalaryObservationFactory(role=role, level="senior", employee_country="IN")
    guide_with(
        "Seniors: [[share role=machine-learning-engineer country=us level=senior]] from the US; "
        "Nepal: [[share role=machine-learning-engineer country=np level=senior]].\n"
    )
    page = text_of(client.get("/guides/marked/"))
    assert 'Seniors: <span class="figure">67%</span> from the US' in page  # 12 of 18
    assert 'Nepal: <span class="figure">fewer than 5</span>.' in page  # never "0%"


def test_the_seed_guides_claim_nothing_about_every_country_unqualified():
    for path in Path("careers/seed").glob("*.md"):
        text = path.read_text()
        assert "entry-level pay across all countries" not in text, path
        assert "worldwide survey median" not in text and "the lead narrows" not in text, path


def test_a_guide_shows_a_cited_gap_with_what_the_survey_says(client):
    role = Role.objects.get(slug="machine-learning-engineer")
    ai = Role.objects.get(slug="ai-engineer")
    for _ in range(6):
        SalaryObservationFactory(role=role, amount=Decimal(100_000), usd_yearly=Decimal(100_000))
        SalaryObservationFactory(role=ai, amount=Decimal(90_000), usd_yearly=Decimal(90_000))
    guide_with("The claim:\n\n[[gaps role=ai-engineer]]\n")
    page = text_of(client.get("/guides/marked/"))
    assert "10–15% above Machine Learning Engineer pay worldwide" in page
    assert "The survey answers say otherwise: the median salaried AI Engineer is paid 10% less" in (
        page
    )

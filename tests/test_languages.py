"""English at the URLs it always had, Nepali under /ne/ (issue 29): the page says its language,
links to itself in the other, and keeps visitors in the language they chose."""

import re
import shutil
import subprocess
import sys

import polib
import pytest

from tests.servers import BASE_DIR

pytestmark = pytest.mark.usefixtures("reference_data")

PAGES = ["/", "/salaries/", "/salaries/machine-learning-engineer/np/", "/compare/", "/jobs/",
         "/guides/", "/methodology/", "/search/?q=nepal"]  # fmt: skip


def alternates(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_exists_in_english_and_nepali_and_links_the_two(client, path):
    english = client.get(path)
    nepali = client.get(f"/ne{path}")
    assert (english.status_code, nepali.status_code) == (200, 200)
    english, nepali = english.content.decode(), nepali.content.decode()
    assert '<html lang="en">' in english and '<html lang="ne">' in nepali
    links = {"en": f"http://testserver{path}", "ne": f"http://testserver/ne{path}"}
    assert alternates(english) == alternates(nepali) == {**links, "x-default": links["en"]}
    assert (
        f'<a class="language-switch" href="{links["ne"]}" hreflang="ne" lang="ne">नेपाली<' in english
    )
    assert (
        f'<a class="language-switch" href="{links["en"]}" hreflang="en" lang="en">English<'
        in nepali
    )


def test_a_nepali_page_s_links_stay_in_nepali(client):
    page = client.get("/ne/").content.decode()
    nav = page[page.index('<nav aria-label="मुख्य">') : page.index("</nav>")]
    assert 'href="/ne/salaries/"' in nav and ">तलब<" in nav
    assert 'href="/ne/jobs/"' in nav and ">जागिर<" in nav
    assert 'action="/ne/search/"' in page


def test_english_pages_keep_their_urls_and_words(client):
    page = client.get("/").content.decode()
    assert 'href="/salaries/">Salaries<' in page and 'href="/jobs/"' in page
    assert client.get("/en/").status_code == 404  # English has no prefix


def test_the_admin_stays_in_english_at_its_address(admin_client):
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.get("/ne/admin/").status_code == 404


def test_the_sitemap_lists_each_page_in_both_languages_with_its_alternates(client):
    body = client.get("/sitemap.xml").content.decode()
    english = "http://testserver/salaries/machine-learning-engineer/np/"
    nepali = "http://testserver/ne/salaries/machine-learning-engineer/np/"
    assert f"<loc>{english}</loc>" in body and f"<loc>{nepali}</loc>" in body
    assert f'<xhtml:link rel="alternate" hreflang="ne" href="{nepali}"/>' in body
    assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{english}"/>' in body


CATALOG = BASE_DIR / "locale" / "ne" / "LC_MESSAGES" / "django.po"


def catalog_entries(catalog) -> dict:
    return {(entry.msgctxt, entry.msgid): entry.msgstr for entry in catalog if entry.msgid}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed: make "
                    "test installs it when run as root (apt-get install gettext)")  # fmt: skip
def test_every_visitor_facing_string_is_translated_and_compiled():
    """makemessages as `make messages` runs it: no entry untranslated or fuzzy, and the
    committed .mo holds what the .po says (so a fresh machine serves the same Nepali)."""
    sources = re.search(r"^MESSAGE_SOURCES := (.+)$", (BASE_DIR / "Makefile").read_text(), re.M)
    saved = CATALOG.read_bytes()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "ne", *sources[1].split()],
            cwd=BASE_DIR, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        catalog = polib.pofile(str(CATALOG))
    finally:
        CATALOG.write_bytes(saved)
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []
    compiled = polib.mofile(str(CATALOG.with_suffix(".mo")))
    assert catalog_entries(compiled) == catalog_entries(polib.pofile(str(CATALOG)))

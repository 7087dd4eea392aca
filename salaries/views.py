from datetime import timedelta

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe
from django_countries import countries

from portal import versions
from portal.models import Counter, client_key, over_hourly_limit
from portal.pagecache import from_query, landing_scope, public_page, role_scope
from portal.private_links import PrivateLinks, private
from portal.views import csrf_failure_page
from salaries import charts, figures
from salaries.extensions import landing_scopes, landing_sections
from salaries.filters import SalaryFilter
from salaries.forms import CompareForm, FindForm, OfferForm, SalaryReportForm, WithdrawForm
from salaries.models import (
    EmploymentType,
    Level,
    PublishedRange,
    Role,
    RoleAlias,
    SalaryObservation,
    SalaryReport,
)
from salaries.money import Display, display_unit


@require_safe
@public_page(versions.ALL)
def home(request):
    choices = figures.filter_choices()
    context = {
        **figures.home(),
        "find_form": FindForm(),
        "offer_form": OfferForm(auto_id="offer-%s"),  # beside the find form: ids of its own
        "roles": choices["role"],
        "countries": choices["country"],
    }
    return render(request, "salaries/home.html", context)


def published_ranges(filterset: SalaryFilter):
    """Published ranges are cited facts about groups, read fresh on every request."""
    return PublishedRange.objects.matching(**filterset.published_range_criteria)


class CountedPaginator(Paginator):
    """A paginator told how many rows there are: counting a million rows on every page view
    is the slowest query of the list, and the remembered figures already know."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.count = count


@require_safe
@public_page(from_query)
def salary_list(request):
    filterset = SalaryFilter(request.GET, queryset=SalaryObservation.objects.all())
    context = {"form": filterset.form, "filter_fields": filterset.form.filter_fields()}
    if filterset.is_valid():
        criteria = filterset.criteria()
        panel, listed = figures.list_page(criteria)
        context.update(unit=criteria.unit, panel=panel)
        if filterset.form.cleaned_data.get("role") or filterset.country_code:
            context["published_ranges"] = published_ranges(filterset)
        if listed is not None:
            rows = figures.listing(criteria, filterset.ordering)
            paginator = CountedPaginator(rows, filterset.per_page, listed)
            page = paginator.get_page(request.GET.get("page"))
            context["page"] = page
            context["page_numbers"] = paginator.get_elided_page_range(page.number, on_each_side=2)
    return render(request, "salaries/list.html", context)


def landing_page_scopes(request, role_slug, country_code=None) -> list[str]:
    """A landing page's own scope, and those of the sections other apps add to it."""
    return [landing_scope(request, role_slug, country_code), *landing_scopes()]


def role_moved(old_slug, country_code):
    """A title that had a role page of its own before titles were mapped to roles is sent on
    to its role's page (at the title's level); a title that names no role has no page."""
    alias = RoleAlias.objects.filter(slug=old_slug, role__general=False).first()
    if alias is None:
        raise Http404("No such role")
    args = [alias.role.slug, *([country_code] if country_code else [])]
    url = reverse("salaries:role_country" if country_code else "salaries:role", args=args)
    return redirect(f"{url}?level={alias.level}" if alias.level else url, permanent=True)


@require_safe
@public_page(landing_page_scopes)
def role_landing(request, role_slug, country_code=None):
    role = Role.objects.listed().filter(slug=role_slug).first()
    if role is None:
        return role_moved(role_slug, country_code)
    country = (country_code or "").upper()
    if country_code and (country_code != country_code.lower() or country not in countries):
        raise Http404("No such country")
    data = request.GET.copy()
    data["role"] = role.slug
    if country:
        data["country"] = country
    filterset = SalaryFilter(data, queryset=SalaryObservation.objects.all())
    context = {
        "role": role,
        "country": country,
        "country_name": dict(countries).get(country, ""),
        "form": filterset.form,
        "filter_fields": filterset.form.filter_fields(fixed=["role", "country"]),
        "canonical": request.build_absolute_uri(request.path),
        "extra_sections": landing_sections(role, country),
    }
    if filterset.is_valid():
        criteria = filterset.criteria()
        landing = figures.landing(criteria, by_country=not country)
        context.update(
            unit=criteria.unit,
            landing=landing,
            panel=landing.panel,
            published_ranges=published_ranges(filterset),
            pay_gaps=figures.checked_gaps(role, country),
            reports=figures.reports(role, country, criteria.unit) if country else None,
        )
    return render(request, "salaries/landing.html", context)


@require_safe
@public_page(role_scope)
def compare(request):
    form = CompareForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        role, codes = form.cleaned_data["role"], form.cleaned_data["countries"]
        levels = form.cleaned_data["levels"]
        names = dict(countries)
        columns = figures.compare(
            role, codes, levels, [display_unit(Display.USD), display_unit(Display.PPP)]
        )
        groups = columns[0][1].groups

        def country_of(group):
            return group.key[0] if levels else group.key

        with_median = {country_of(g) for g in groups if g.summary.has_median}
        with_estimate = {country_of(g) for g in groups if g.estimate} - with_median
        context.update(
            role=role,
            countries=[(code, names[code]) for code in codes],
            columns=columns,
            # Both charts on one scale, so that dollars and PPP dollars read side by side.
            highest=charts.highest_drawn(
                group for _, breakdown in columns for group in breakdown.groups
            ),
            from_estimates=[names[code] for code in codes if code in with_estimate],
            without_figures=[
                names[code] for code in codes if code not in with_median | with_estimate
            ],
            published_ranges=PublishedRange.objects.matching(role=role, levels=levels).filter(
                country__in=codes
            ),
        )
    return render(request, "salaries/compare.html", context)


@require_safe
def find(request):
    """Where the home page's "role in country" box leads: straight to the landing page."""
    form = FindForm(request.GET)
    if form.is_valid():
        name, args, level = form.destination()
        url = reverse(name, args=args)
        return redirect(f"{url}?level={level}" if level else url)
    choices = figures.filter_choices()
    context = {"form": form, "roles": choices["role"], "countries": choices["country"]}
    return render(request, "salaries/find.html", context, status=400)


@require_safe
@public_page(from_query)
def offer(request):
    form = OfferForm.from_query(request.GET)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        role, country, level = data["role"], data["country"], data["level"]
        unit = display_unit(Display.LOCAL, country)
        converted = form.converted()
        levels = [level] if level else []
        # Salaried full-time unless the form says otherwise: never against freelance rates.
        employment_type = data.get("employment_type") or EmploymentType.FULL_TIME
        criteria = figures.Criteria.for_group(
            unit, role, country, levels, figures.basis(employment_type)
        )
        ranges = figures.published_ranges(role, country, levels, employment_type)
        typed = (data["amount"], data["currency"].code, data["period"])
        context.update(
            role=role,
            country_name=dict(countries)[country],
            check_country=country.lower(),
            level_name=Level(level).label if level else "",
            unit=unit,
            as_typed=form.as_typed(),  # the visitor's currency and period first
            check=figures.offer(criteria, unit.yearly_value(converted, data["currency"].code),
                                converted.usd),
            against_ranges=figures.check_against(ranges, level, *typed),
        )  # fmt: skip
    return render(request, "salaries/offer.html", context)


@require_safe
@public_page(versions.ALL)
def methodology(request):
    context = {
        "sources": figures.source_counts(),
        "privacy": figures.report_privacy(),
        "role_count": Role.objects.listed().count(),
    }
    return render(request, "salaries/methodology.html", context)


REPORTS_PER_HOUR = 5
DUPLICATE_WINDOW = timedelta(days=1)
WITHDRAWAL_WINDOW = timedelta(days=1)


def withdrawals_key(request) -> str:
    """Withdrawals are counted per connection (a keyed hash), for the Sybil signs."""
    return f"report-withdrawals:{client_key(request, 'salary-report')}"


def expired_report(request):
    """The report form sent with a missing or old security token (a page left open for hours,
    cookies blocked): the form again, keeping what was typed, with any problems marked."""
    form = SalaryReportForm(request.POST)
    form.is_valid()
    context = {**form.page_context(), "expired": True}
    return render(request, "salaries/submit.html", context, status=403)


@csrf_failure_page(expired_report)
@require_http_methods(["GET", "HEAD", "POST"])
def submit_report(request):
    if request.method != "POST":
        form = SalaryReportForm.from_link(request.GET)
        return render(request, "salaries/submit.html", form.page_context())
    form = SalaryReportForm(request.POST)
    if not form.is_valid():
        return render(request, "salaries/submit.html", form.page_context(), status=400)
    if form.cleaned_data["website"]:
        return redirect("salaries:submit_thanks")  # a bot filled the hidden field: keep nothing
    sender = client_key(request, "salary-report")
    fingerprint = form.fingerprint(sender)
    since = timezone.now() - DUPLICATE_WINDOW
    if SalaryReport.objects.filter(fingerprint=fingerprint, submitted_at__gte=since).exists():
        form.add_error(
            None,
            gettext(
                "You sent this same report earlier today, and it is waiting for a moderator. "
                "Your private link to it was on the page you saw then."
            ),
        )
        return render(request, "salaries/submit.html", form.page_context(), status=400)
    if refusal := over_hourly_limit(
        request, "report", REPORTS_PER_HOUR, pgettext_lazy("hourly limit", "reports")
    ):
        form.add_error(None, refusal)
        return render(request, "salaries/submit.html", form.page_context(), status=429)
    report = form.save(commit=False)
    report.fingerprint = fingerprint
    report.note_sybil_signs(Counter.recent(withdrawals_key(request), WITHDRAWAL_WINDOW))
    key = report.new_link_key()
    report.save()
    return REPORT_LINKS.remember(redirect(reverse("salaries:report_status") + "?new=1"), key)


@require_safe
def submit_thanks(request):
    return render(request, "salaries/submit_thanks.html")


REPORT_LINKS = PrivateLinks(
    "salaries:report_status",
    cookie="report_link",
    noun=pgettext_lazy("private link", "report"),
    title=_("Your salary report"),
    lead=_(
        "Paste the private link you were given when you sent your report, or just the code "
        "after the # in it. It is the only way to see or withdraw your report."
    ),
)


@require_http_methods(["GET", "HEAD", "POST"])
@private
def report_status(request):
    """The submitter's private page: the report's status, and a way to take it back. It is
    opened by a cookie that a posted private link is exchanged for (portal.private_links)."""
    queryset = SalaryReport.objects.select_related("role", "currency")
    report, answer = REPORT_LINKS.open(request, queryset)
    if answer is not None:
        return answer
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            report.withdraw()
            Counter.hit(withdrawals_key(request), limit=0, window=WITHDRAWAL_WINDOW)
            return REPORT_LINKS.forget(redirect("salaries:report_withdrawn"))
    else:
        form = WithdrawForm()
    context = {"report": report, "form": form, "new": "new" in request.GET}
    return render(request, "salaries/report_status.html", context | REPORT_LINKS.context(request))


# Links handed out before had the key in the path: they lead on, key in the fragment.
old_report_link = REPORT_LINKS.old_link_view()


@require_safe
def report_withdrawn(request):
    return render(request, "salaries/report_withdrawn.html")

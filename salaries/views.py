import csv
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe
from django_countries import countries
from django_ratelimit.core import get_usage

from salaries import charts, statistics
from salaries.filters import SalaryFilter
from salaries.forms import CompareForm, SalaryReportForm
from salaries.models import Level, PublishedPayGap, PublishedRange, Role, SalaryObservation, Source
from salaries.money import display_unit
from salaries.remembered import remembered


def figures(filterset: SalaryFilter) -> dict:
    """The statistics panel and histogram for a valid filter (plain values, cacheable)."""
    observations, unit = filterset.qs, filterset.unit
    summary = statistics.summarize(observations, unit.value)
    histogram = statistics.histogram(observations, unit.value, summary)
    return {
        "summary": summary,
        "count_hidden": not summary.enough and filterset.singles_out_people,
        "histogram": histogram,
        "histogram_bars": charts.histogram_bars(histogram, unit),
        "sources": list(statistics.sources_of(observations)),
    }


def figures_key(request) -> str:
    """What a page's figures depend on: its path and query, less paging and sorting."""
    query = sorted(
        (key, value)
        for key, values in request.GET.lists()
        for value in values
        if key not in ("page", "per_page", "sort")
    )
    return f"{request.path}?{urlencode(query)}"


def live_context(filterset: SalaryFilter) -> dict:
    """What is read fresh on every request: the unit and the published ranges."""
    return {
        "unit": filterset.unit,
        "published_ranges": PublishedRange.objects.matching(**filterset.published_range_criteria),
    }


def occupation_jsonld(role, country_name, summary, unit) -> dict:
    """schema.org Occupation with the pay distribution, for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": role.name,
        "estimatedSalary": {
            "@type": "MonetaryAmountDistribution",
            "name": "total gross pay",
            "currency": unit.code,
            "duration": "P1Y",
            "percentile10": round(summary.p10),
            "percentile25": round(summary.p25),
            "median": round(summary.median),
            "percentile75": round(summary.p75),
            "percentile90": round(summary.p90),
        },
    }
    if country_name:
        data["occupationLocation"] = {"@type": "Country", "name": country_name}
    return data


class CountedPaginator(Paginator):
    """A paginator told how many rows there are: counting a million rows on every page view
    is the slowest query of the list, and the remembered figures already know."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.count = count


@require_safe
def salary_list(request):
    filterset = SalaryFilter(request.GET, queryset=SalaryObservation.objects.all())
    context = {"form": filterset.form, "filter_fields": filterset.form.filter_fields()}
    if filterset.is_valid():
        # The same rows the statistics count: those with a figure in the display unit.
        observations, _ = statistics.with_pay(filterset.qs, filterset.unit.value)
        context.update(live_context(filterset))
        context.update(
            remembered(
                figures_key(request),
                lambda: {**figures(filterset), "listed": observations.listable().count()},
            )
        )
        if context["summary"].enough:
            observations = (
                observations.for_listing()
                .annotate(pay=filterset.unit.value)
                .order_by(*filterset.ordering)
            )
            paginator = CountedPaginator(observations, filterset.per_page, context["listed"])
            context["page"] = paginator.get_page(request.GET.get("page"))
    return render(request, "salaries/list.html", context)


def landing_figures(filterset: SalaryFilter, country: str) -> dict:
    """A landing page's figures: the panel, and breakdowns by level, year, city, industry and
    (without a country) country."""
    observations, value = filterset.qs, filterset.unit.value
    by_level = statistics.breakdown(
        observations, value, "level", labels=Level.label_for, order=Level.values
    )
    level_rows, level_chart_height = charts.spread_rows(by_level)
    names = dict(countries)
    return {
        **figures(filterset),
        "by_level": by_level,
        "level_rows": level_rows,
        "level_chart_height": level_chart_height,
        "by_year": statistics.breakdown(observations, value, "year", order=range(2100, 1989, -1)),
        "by_city": statistics.breakdown(
            observations.filter(city__isnull=False),
            value,
            ["city__name", "city__country"],
            labels=lambda key: f"{key[0]}, {key[1]}",
        ),
        "by_industry": statistics.breakdown(
            observations.filter(industry__isnull=False), value, "industry__name"
        ),
        "by_country": []
        if country
        else statistics.breakdown(
            observations, value, "employee_country", labels=lambda code: names[code]
        )[:15],
    }


@require_safe
def role_landing(request, role_slug, country_code=None):
    role = get_object_or_404(Role, slug=role_slug)
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
    }
    if filterset.is_valid():
        context.update(live_context(filterset))
        context["pay_gaps"] = PublishedPayGap.objects.involving(role, country)
        context.update(
            remembered(figures_key(request), lambda: landing_figures(filterset, country))
        )
        if context["summary"].enough and filterset.unit.code != "PPP":
            context["occupation"] = occupation_jsonld(
                role, context["country_name"], context["summary"], filterset.unit
            )
    return render(request, "salaries/landing.html", context)


@require_safe
def compare(request):
    form = CompareForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        role, codes = form.cleaned_data["role"], form.cleaned_data["countries"]
        levels = form.cleaned_data["levels"]
        observations = SalaryObservation.objects.filter(role=role, employee_country__in=codes)
        if levels:
            observations = observations.filter(level__in=levels)
        names = dict(countries)
        columns = remembered(
            figures_key(request), lambda: compare_columns(observations, codes, levels)
        )
        context.update(
            role=role,
            countries=[(code, names[code]) for code in codes],
            columns=columns,
            published_ranges=PublishedRange.objects.matching(role=role, levels=levels).filter(
                country__in=codes
            ),
        )
    return render(request, "salaries/compare.html", context)


def compare_columns(observations, codes, levels) -> list[dict]:
    """Each country (and level) in USD and PPP-adjusted, in the order the visitor chose."""
    names = dict(countries)
    by = ["employee_country", "level"] if levels else ["employee_country"]
    order = {code: i for i, code in enumerate(codes)}
    columns = []
    for choice in ("usd", "ppp"):
        unit = display_unit(choice)
        groups = statistics.breakdown(
            observations, unit.value, by, labels=lambda key: compare_label(key, names)
        )
        groups.sort(key=lambda g: (order[g.key[0]], g.key[1:]))
        rows, height = charts.spread_rows(groups)
        columns.append({"unit": unit, "groups": groups, "rows": rows, "height": height})
    return columns


def compare_label(key, names):
    country, *rest = key
    return " · ".join([names[country], *(Level.label_for(level) for level in rest)])


class Echo:
    def write(self, value):
        return value


EXPORT_FIELDS = [
    ("role", "role__name"),
    ("level", "level"),
    ("years_experience", "years_experience"),
    ("employment_type", "employment_type"),
    ("employee_country", "employee_country"),
    ("company_country", "company_country"),
    ("company_size", "company_size"),
    ("remote_ratio", "remote_ratio"),
    ("year", "year"),
    ("amount", "amount"),
    ("currency", "currency_id"),
    ("period", "period"),
    ("yearly_amount", "yearly_amount"),
    ("usd_yearly", "usd_yearly"),
    ("ppp_yearly", "ppp_yearly"),
    ("source", "source__title"),
    ("licence", "source__licence"),
]


@require_safe
def export_csv(request):
    filterset = SalaryFilter(request.GET, queryset=SalaryObservation.objects.all())
    refused = {"form": filterset.form, "filter_fields": filterset.form.filter_fields()}
    if not filterset.is_valid():
        return render(request, "salaries/list.html", refused, status=400)
    observations = (
        filterset.qs.listable().annotate(pay=filterset.unit.value).order_by(*filterset.ordering)
    )
    if observations.count() < statistics.MIN_SAMPLE:
        refused["export_refused"] = True
        return render(request, "salaries/list.html", refused, status=400)
    writer = csv.writer(Echo())
    rows = observations.values_list(*(path for _, path in EXPORT_FIELDS)).iterator(2000)
    header = [name for name, _ in EXPORT_FIELDS]
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _with_header(header, rows)), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="talab-salaries.csv"'
    return response


def _with_header(header, rows):
    yield header
    for row in rows:
        yield [spreadsheet_safe(value) for value in row]


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula (=, +, -, @) is quoted: job titles are free
    text from surveys and users."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@require_safe
def methodology(request):
    sources = Source.objects.with_fact_counts().order_by("kind", "title")
    return render(request, "salaries/methodology.html", {"sources": sources})


REPORT_LIMIT = {"group": "salary-report", "key": "ip", "rate": "5/h", "method": "POST"}


@require_http_methods(["GET", "HEAD", "POST"])
def submit_report(request):
    if request.method == "POST":
        form = SalaryReportForm(request.POST)
        # Only reports that were accepted count towards the limit: typos cost nothing.
        usage = get_usage(request, **REPORT_LIMIT)
        if usage and usage["count"] >= usage["limit"]:
            form.add_error(None, "Too many reports from your connection. Try again in an hour.")
            return render(request, "salaries/submit.html", {"form": form}, status=429)
        if form.is_valid():
            form.save()
            get_usage(request, increment=True, **REPORT_LIMIT)
            return redirect("salaries:submit_thanks")
        return render(request, "salaries/submit.html", {"form": form}, status=400)
    return render(
        request, "salaries/submit.html", {"form": SalaryReportForm.from_link(request.GET)}
    )


@require_safe
def submit_thanks(request):
    return render(request, "salaries/submit_thanks.html")

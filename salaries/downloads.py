"""Downloads: the filtered survey rows, and how every survey title is filed, as CSV."""

import csv

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal import versions
from portal.pagecache import public_page
from salaries import figures
from salaries.filters import SalaryFilter
from salaries.models import Role, SalaryObservation


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
    rows = figures.export(filterset.criteria(), filterset.ordering)
    if rows is None:
        refused["export_refused"] = True
        return render(request, "salaries/list.html", refused, status=400)
    writer = csv.writer(Echo())
    values = rows.values_list(*(path for _, path in EXPORT_FIELDS)).iterator(2000)
    header = [name for name, _ in EXPORT_FIELDS]
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _with_header(header, values)), content_type="text/csv"
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
@public_page(versions.ALL)
def role_titles_csv(request):
    """Every survey title as the source gives it, with the role and level its rows are filed
    under: what anyone needs to recompute a page from the raw survey."""
    titles = list(
        SalaryObservation.objects.survey()
        .order_by()
        .values_list("source_title", flat=True)
        .distinct()
    )
    filed = Role.objects.for_titles(titles)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="roles.csv"'
    writer = csv.writer(response)
    writer.writerow(["title", "role", "level"])
    for title in sorted(titles, key=str.lower):
        role, level = filed[title.lower()]
        writer.writerow([spreadsheet_safe(title), role.slug, level])
    return response

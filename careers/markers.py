"""Figures inside a guide's prose: markers in the Markdown, filled in from the figures layer
each time the guide is shown, with the sample size and source beside them.

    [[median role=data-scientist country=gb]]            inline: £52,000 (median of 107 people…)
    [[count role=machine-learning-engineer country=np]]  inline: 123 people / fewer than 5 people
    [[share role=machine-learning-engineer country=us level=entry]]  inline: 89% / fewer than 5
        (of the level's answers worldwide, those from the country: its weight in "worldwide")
    [[figures role=machine-learning-engineer country=us]]           block: the group's figures
    [[figures role=machine-learning-engineer country=us by=level]]  block: a row per level
    [[compare role=machine-learning-engineer countries=np,in,us unit=ppp]]  block: countries
    [[roles roles=machine-learning-engineer,data-scientist country=us]]     block: roles
    [[ranges role=machine-learning-engineer country=np]]   block: the cited published ranges
    [[gaps role=ai-engineer]]  block: the pay gaps sources cite, each checked against the survey
    [[range key=nepal-mid-level-monthly]]     inline: one seed range, NPR 0.7–1.6 lakh per month

`level=` narrows median, count and figures; `unit=usd|ppp|local` chooses the unit (the
country's currency by default, US dollars without a country). A block marker stands alone on
its line. A marker that cannot be read is dropped for visitors and shown, with the reason, to
staff previewing the guide: a guide never fails to render because of one.
"""

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_countries import countries

from portal.markdown import plain_text, render_markdown
from salaries import figures
from salaries.models import Level, PublishedRange, Role
from salaries.money import Display, display_unit, format_range

MARKER = re.compile(r"\[\[([^\[\]\n]{0,300})\]\]")
# A sentence (or line) holding a marker: what search leaves out of a guide's text, since a
# snippet quoting it would read "the median is , and ...".
MARKED_SENTENCE = re.compile(r"[^.!?\n]*" + MARKER.pattern + r"[^.!?\n]*[.!?]?")
TOKEN = re.compile(r"TALABFIGURE\d+X")
TAG_WITH_TOKEN = re.compile(r"<[^<>]*TALABFIGURE\d+X[^<>]*>")
UNITS = {"usd": Display.USD, "ppp": Display.PPP, "local": Display.LOCAL}
MAX_LISTED = 8


class MarkerError(ValueError):
    """Why a marker cannot be filled in (shown to staff only)."""


@dataclass(frozen=True)
class Kind:
    required: tuple[str, ...]
    optional: tuple[str, ...]
    block: bool


KINDS = {
    "median": Kind(("role",), ("country", "level", "unit"), block=False),
    "count": Kind(("role",), ("country", "level"), block=False),
    "share": Kind(("role", "country"), ("level",), block=False),
    "gaps": Kind(("role",), ("country",), block=True),
    "figures": Kind(("role",), ("country", "level", "unit", "by"), block=True),
    "compare": Kind(("role", "countries"), ("unit", "level"), block=True),
    "roles": Kind(("roles",), ("country", "level", "unit"), block=True),
    "ranges": Kind(("role",), ("country", "level"), block=True),
    "range": Kind(("key",), (), block=False),
}


@dataclass(frozen=True)
class Marker:
    source: str  # as written, brackets and all
    kind: str
    args: dict

    @classmethod
    def parse(cls, source: str) -> "Marker":
        kind, *pairs = source.strip("[]").split() or [""]
        if kind not in KINDS:
            raise MarkerError(f"“{kind}” is not a kind of figure; use {', '.join(KINDS)}.")
        allowed = {*KINDS[kind].required, *KINDS[kind].optional}
        args = {}
        for pair in pairs:
            key, equals, value = pair.partition("=")
            if not equals or not value:
                raise MarkerError(f"“{pair}” should read key=value.")
            if key not in allowed:
                raise MarkerError(f"{kind} takes {', '.join(sorted(allowed))}, not “{key}”.")
            args[key] = value
        missing = [key for key in KINDS[kind].required if key not in args]
        if missing:
            raise MarkerError(f"{kind} needs {', '.join(missing)}.")
        return cls(source, kind, args)

    # What the settings name ---------------------------------------------------------------

    def role(self, slug=None) -> Role:
        slug = slug or self.args["role"]
        role = Role.objects.filter(slug=slug).first()
        if role is None:
            raise MarkerError(f"there is no role “{slug}”.")
        return role

    def country(self, code=None) -> str:
        code = (code or self.args.get("country", "")).upper()
        if code and code not in countries:
            raise MarkerError(f"“{code}” is not a country code.")
        return code

    @property
    def levels(self) -> list[str]:
        level = self.args.get("level", "")
        if level and level not in Level.values:
            raise MarkerError(f"“{level}” is not a level; use {', '.join(Level.values)}.")
        return [level] if level else []

    def unit(self, country=""):
        name = self.args.get("unit", "local" if country else "usd")
        if name not in UNITS:
            raise MarkerError(f"“{name}” is not a unit; use usd, ppp or local.")
        return display_unit(UNITS[name], country)

    def listed(self, key) -> list[str]:
        values = [value for value in self.args[key].split(",") if value]
        if not 1 <= len(values) <= MAX_LISTED:
            raise MarkerError(f"{key} takes 1 to {MAX_LISTED} values, separated by commas.")
        return values

    # The figures ---------------------------------------------------------------------------

    def render(self):
        return getattr(self, f"render_{self.kind}")()

    def group_panel(self):
        country = self.country()
        unit = self.unit(country)
        query = figures.Criteria.for_group(unit, self.role(), country, self.levels)
        return figures.panel(query), unit

    def render_median(self):
        panel, unit = self.group_panel()
        context = {"panel": panel, "unit": unit}
        return render_to_string("careers/markers/median.html", context).strip()

    def render_count(self):
        panel, _ = self.group_panel()
        people = panel.summary.people
        return format_html('<span class="figure">{} {}</span>', people, "people")

    def render_gaps(self):
        checks = figures.checked_gaps(self.role(), self.country())
        return render_to_string("salaries/includes/pay_gaps.html", {"pay_gaps": checks})

    def render_share(self):
        query = figures.Criteria.for_group(display_unit(Display.USD), self.role(), "", self.levels)
        return format_html(
            '<span class="figure">{}</span>', figures.country_share(query, self.country())
        )

    def render_figures(self):
        by = self.args.get("by", "")
        if by not in ("", "level"):
            raise MarkerError(f"figures can be split by level only, not “{by}”.")
        if by:
            country = self.country()
            unit = self.unit(country)
            query = figures.Criteria.for_group(unit, self.role(), country)
            return self.table(figures.by_level(query), unit, "Level", figures.panel(query))
        panel, unit = self.group_panel()
        return render_to_string("careers/markers/panel.html", {"panel": panel, "unit": unit})

    def render_compare(self):
        codes = [self.country(code) for code in self.listed("countries")]
        name = self.args.get("unit", "usd")
        if name not in ("usd", "ppp"):
            raise MarkerError("compare shows usd or ppp: each country has its own currency.")
        unit = display_unit(UNITS[name])
        [(unit, breakdown)] = figures.compare(self.role(), codes, self.levels, [unit])
        return self.table(breakdown, unit, "Country")

    def render_roles(self):
        country = self.country()
        unit = self.unit(country)
        groups = []
        for slug in self.listed("roles"):
            role = self.role(slug)
            query = figures.Criteria.for_group(unit, role, country, self.levels)
            groups.append(figures.Group(slug, role.name, figures.panel(query).summary))
        return self.table(figures.Breakdown(groups), unit, "Role")

    def render_ranges(self):
        ranges = PublishedRange.objects.matching(
            role=self.role(), country=self.country(), levels=self.levels
        ).select_related("source", "currency", "exchange_rate", "role")
        return render_to_string(
            "careers/markers/ranges.html", {"published_ranges": ranges, "role": self.role()}
        )

    def render_range(self):
        """A range cited in the prose, written as every page writes it (money.format_range);
        found by its seed key (published_ranges.csv), so an editor's corrections show."""
        key = self.args["key"]
        found = list(PublishedRange.objects.filter(seed_key=key).select_related("currency")[:2])
        if len(found) != 1:
            raise MarkerError(f"“{key}” is not the key of one published range.")
        [published] = found
        text = format_range(
            published.low, published.high, published.currency_id,
            published.open_ended, published.high_from,
        )  # fmt: skip
        period = published.get_period_display()
        return format_html('<span class="figure">{} {}</span>', text, period)

    def table(self, breakdown, unit, heading, panel=None):
        context = {"breakdown": breakdown, "unit": unit, "heading": heading, "panel": panel,
                   "caption": f"Yearly pay by {heading.lower()}"}  # fmt: skip
        return render_to_string("careers/markers/table.html", context)


def searchable(text: str) -> str:
    """A guide's Markdown as the words search reads: without the sentences its markers fill
    with figures (a snippet would print "is , and"), and without the "**" such a cut can leave
    open ("- **Germany." once its sentence's figure is gone)."""
    return plain_text(MARKED_SENTENCE.sub(" ", text)).replace("**", "")


def kinds_in(text: str) -> set[str]:
    """The kinds of figure a text's markers ask for ("ranges", "median"...)."""
    return {
        found.group(1).split(maxsplit=1)[0]
        for found in MARKER.finditer(text)
        if found.group(1).split()
    }


def staff_note(source: str, problem, staff: bool):
    if not staff:
        return ""
    return format_html('<span class="marker-error">Figure marker “{}”: {}</span>', source, problem)


def fill(match, staff: bool):
    """(the marker, its HTML), or (None, nothing; an error note for staff) when it cannot be
    read."""
    try:
        marker = Marker.parse(match.group(0))
        return marker, marker.render()
    except MarkerError as problem:
        return None, staff_note(match.group(0), problem, staff)


def render_body(text: str, staff: bool = False):
    """Markdown with its markers filled in: each marker is swapped for a placeholder, the
    Markdown is rendered and sanitized, then the placeholders become the figures' HTML (made
    by our templates, so never sanitized away)."""
    filled = []

    def placeholder(match):
        filled.append(fill(match, staff))
        return f"TALABFIGURE{len(filled) - 1}X"

    html = str(render_markdown(MARKER.sub(placeholder, text)))
    # A marker written inside a link's address or title cannot hold a figure's HTML: dropped.
    html = TAG_WITH_TOKEN.sub(lambda tag: TOKEN.sub("", tag.group(0)), html)
    for index, (marker, figure_html) in enumerate(filled):
        token = f"TALABFIGURE{index}X"
        if marker is not None and KINDS[marker.kind].block:
            if f"<p>{token}</p>" in html:
                html = html.replace(f"<p>{token}</p>", figure_html)
                continue
            # A table cannot sit inside a sentence.
            figure_html = staff_note(marker.source, "a table stands alone on its line.", staff)
        html = html.replace(token, figure_html)
    return mark_safe(html)  # noqa: S308 (sanitized Markdown and our own templates' output)

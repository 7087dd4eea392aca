"""The page in each of the site's languages: for the `hreflang` links in every page's head and
the language switch in its header."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import translate_url
from django.utils import translation


@dataclass(frozen=True)
class Alternate:
    code: str
    name: str  # in its own language: "नेपाली"
    url: str  # absolute
    current: bool


def alternates(request) -> dict:
    """Template context: `alternates`, the page in every language (empty for a page that
    exists in one only, such as the admin's)."""
    if request.resolver_match is None or request.path.startswith("/admin/"):
        return {"alternates": []}
    # The same filters in the other language; an empty parameter is no parameter (the page
    # cache and clean-get-forms.js treat it so too).
    query = urlencode([(k, v) for k, values in request.GET.lists() for v in values if v])
    here = request.path + (f"?{query}" if query else "")
    current = translation.get_language()
    found = [
        Alternate(code, name, request.build_absolute_uri(translate_url(here, code)),
                  code == current)
        for code, name in settings.LANGUAGES
    ]  # fmt: skip
    return {"alternates": found if len({a.url for a in found}) == len(found) else []}

"""Private links whose key never travels in a request line, shared by every app that hands
one out (a submitter's salary report, an employer's job posting).

A private link is given as https://host/<page>/#<key>. Browsers never send the part after
'#' to a server or a proxy, so the key cannot land in an access log, a proxy's log or a
Referer. The key-less page asks for the link; its script (static/js/private-link.js) reads
the key from the address, takes it out of the address bar and posts it, and without
JavaScript the visitor pastes it. A valid key is exchanged for a short-lived signed cookie
(HttpOnly, SameSite=Strict, limited to the page's path) and the browser is sent on (303) to
the key-less page, which finds the row by the cookie. Rows are found by the key's hash
(portal.models.PrivateLink).
"""

import re
from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from portal.models import digest

if TYPE_CHECKING:  # the type checker's only (django-stubs-ext is a dev tool)
    from django_stubs_ext import StrOrPromise

FIELD = "private_link"  # the form field that carries a pasted or scripted link
LIFETIME = 30 * 60  # seconds a cookie keeps a private page open
KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what secrets.token_urlsafe makes, and no longer


def key_from(text: str) -> str:
    """The key in what a visitor pasted: the part after '#' of a link, the last path segment
    of an old-style link (/salaries/reports/<key>/), or the key alone; '' when there is none."""
    text = (text or "").strip()
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    elif "/" in text or "?" in text:
        text = text.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    text = text.strip()
    return text if KEY.fullmatch(text) else ""


def private(view):
    """A private page's responses are never stored by a cache, and name the page in a Referer
    to this site only. Not "no-referrer": browsers then send "Origin: null" with the page's
    own forms, which Django's CSRF check refuses; and the page's URL holds no key."""

    @wraps(view)
    def private_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return private_view


class PrivateLinks:
    """One kind of private page: its key-less URL, its cookie, and the words of the page that
    asks for the link."""

    def __init__(
        self,
        url_name: str,
        cookie: str,
        noun: "StrOrPromise",
        title: "StrOrPromise",
        lead: "StrOrPromise",
    ):
        self.url_name = url_name
        self.cookie = cookie
        self.salt = f"portal.private_links.{cookie}"
        self.noun = noun
        self.title = title
        self.lead = lead

    @property
    def path(self) -> str:
        return reverse(self.url_name)

    def link(self, request, key: str) -> str:
        """The link to give out: the key only after '#'."""
        return f"{request.build_absolute_uri(self.path)}#{key}"

    def key(self, request) -> str:
        """The key the request's cookie holds; '' when it has none, or a forged or old one."""
        return request.get_signed_cookie(self.cookie, "", salt=self.salt, max_age=LIFETIME)

    def remember(self, response, key: str):
        """Let this browser open the page for LIFETIME seconds, with nothing in the URL."""
        response.set_signed_cookie(
            self.cookie, key, salt=self.salt, max_age=LIFETIME, path=self.path,
            secure=settings.HTTPS, httponly=True, samesite="Strict",
        )  # fmt: skip
        return response

    def forget(self, response):
        response.delete_cookie(self.cookie, path=self.path, samesite="Strict")
        return response

    def open(self, request, queryset):
        """(row, None) when the request's cookie opens a row of `queryset`; else (None, the
        response to give): a posted link exchanged for the cookie (303 to the key-less page),
        or the form that asks for the link, with a message when something went wrong."""
        if request.method == "POST" and FIELD in request.POST:
            key = key_from(request.POST[FIELD])
            if queryset.by_link(key) is None:
                return None, self.ask(request, self.unknown, status=404)
            return None, self.remember(HttpResponseRedirect(self.path, status=303), key)
        key = self.key(request)
        row = queryset.by_link(key)
        if row is not None:
            return row, None
        if request.method != "POST":
            response = self.ask(request)
        elif key:  # the row is gone: a second click on "withdraw", say
            response = self.ask(request, self.unknown, status=404)
        else:
            response = self.ask(request, self.expired, status=403)
        if self.cookie in request.COOKIES:
            self.forget(response)
        return None, response

    @property
    def unknown(self) -> str:
        return gettext(
            "No %(noun)s has this link. Check that you copied all of it, including the part "
            "after #."
        ) % {"noun": self.noun}

    @property
    def expired(self) -> str:
        return gettext(
            "Nothing was changed: to keep your %(noun)s private, this page closes %(minutes)s "
            "minutes after you open it. Open your private link again."
        ) % {"noun": self.noun, "minutes": LIFETIME // 60}

    def ask(self, request, error: str = "", status: int = 200):
        """The key-less page without a cookie: a form for the link."""
        context = {"private_links": self, "private_link_field": FIELD, "error": error}
        return render(request, "private_link.html", context, status=status)

    def context(self, request) -> dict:
        """What a private page shows: the link to keep (on the receipt), and the key's hash,
        with which the page's script tells whether a link opened is this page's or another."""
        key = self.key(request)
        return {
            "private_links": self,
            "private_link_field": FIELD,
            "private_link": self.link(request, key),
            "key_digest": digest(key),
        }

    def old_link_view(self):
        """A view for the links handed out before, /<page>/<key>/: on to the key-less page with
        the key moved into the fragment, rendering nothing private. Such a request line still
        carries the key, so the app's own request log names routes, never paths."""

        @csrf_exempt  # it only redirects, whatever the method: no refusal names the path
        @private
        def old_link(request, link):
            key = key_from(link)
            response = HttpResponseRedirect(f"{self.path}#{key}" if key else self.path)
            response["Referrer-Policy"] = "no-referrer"  # this URL holds the key
            return response

        return old_link

"""Compute the figures of the pages search engines know (the sitemap's), so that the first
visitor after an import or a deployment does not wait for them. `make run` runs it after
loading; run it after an import in production too.

Pages are requested through Django's test client, exactly as a visitor would get them; the
figures they compute are remembered for everyone (the pages themselves are cached per host).
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import Client
from django.urls import reverse

from portal import versions
from salaries import figures


class Command(BaseCommand):
    help = "Compute and remember the figures of the home page and every landing page."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=0, help="at most this many pages")

    def handle(self, *args, limit, **options):
        # New code first retires what older code remembered (as gunicorn's start would), so
        # that the server started after this keeps what is warmed here.
        versions.deployed()
        urls = ["/", reverse("salaries:list")]
        urls += [reverse("salaries:role", args=[slug]) for slug in figures.roles_with_figures()]
        urls += [
            reverse("salaries:role_country", args=[slug, code.lower()])
            for slug, code in figures.role_countries_with_figures()
        ]
        urls = urls[:limit] if limit else urls
        # The first allowed host, without a wildcard's dot; over HTTPS where the site is.
        host = settings.ALLOWED_HOSTS[0].lstrip(".").replace("*", "localhost")
        client = Client(HTTP_HOST=host)
        started, failed = time.monotonic(), []
        # Its own requests are not visitors': one summary line instead of ~600 request lines.
        request_log = logging.getLogger("talab.requests")
        level = request_log.level
        request_log.setLevel(logging.WARNING)
        try:
            for url in urls:
                if client.get(url, secure=settings.SECURE_SSL_REDIRECT).status_code != 200:
                    failed.append(url)
        finally:
            request_log.setLevel(level)
        took = time.monotonic() - started
        self.stdout.write(f"Pages warmed: {len(urls) - len(failed)} in {took:.0f} s.")
        for url in failed:
            self.stderr.write(f"Not 200: {url}")

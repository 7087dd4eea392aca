"""Delete rate-limit counters whose window ended long ago (run daily, e.g. from cron)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.models import Counter


class Command(BaseCommand):
    help = "Delete rate-limit counters older than two days."

    def handle(self, *args, **options):
        deleted = Counter.forget_before(timezone.now() - timedelta(days=2))
        self.stdout.write(f"Forgot {deleted} old counter(s).")

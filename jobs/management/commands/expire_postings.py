"""Close published postings past their closing date. Run it nightly (cron, a systemd timer):
lists already hide them, but the status and the audit trail should say so."""

from django.core.management.base import BaseCommand

from jobs.models import JobPosting


class Command(BaseCommand):
    help = "Mark published job postings past their closing date as expired."

    def handle(self, *args, **options):
        count = JobPosting.expire_due()
        self.stdout.write(f"Postings expired: {count}.")

"""Release report figures: every cell whose reports changed enough, computed with
differential privacy and stored (salaries.figures.releases). Run it on a schedule, e.g. daily;
`make run` runs it after loading. Approvals and withdrawals show only from the next release."""

from django.core.management.base import BaseCommand

from salaries.figures import releases


class Command(BaseCommand):
    help = "Compute and store the figures of reports sent to Talab (a release)."

    def handle(self, *args, **options):
        made = releases.release()
        self.stdout.write(
            f"Release {made.pk}: {made.cells_recomputed} cells computed, "
            f"{made.cells_shown} shown (epsilon {made.epsilon:g} per person and release)."
        )

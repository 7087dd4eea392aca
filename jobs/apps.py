from django.apps import AppConfig

SHOWN_ON_LANDING = 5


def open_jobs(role, country):
    """The "open jobs" section of a salary landing page: what employers post for the role (in
    the country), newest first, beside the other two kinds of figure."""
    from jobs.models import JobPosting

    postings = JobPosting.objects.for_role(role, country).select_related("currency", "city")
    first = list(postings[: SHOWN_ON_LANDING + 1])  # counting all only when there are more
    return {
        "template": "jobs/includes/open_jobs.html",
        "postings": first[:SHOWN_ON_LANDING],
        "posting_count": len(first) if len(first) <= SHOWN_ON_LANDING else postings.count(),
        "role": role,
        "country": country,
    }


def move_postings(sender, old, new, **kwargs):
    from jobs.models import JobPosting

    JobPosting.objects.filter(role=old).update(role=new)


def postings_changed(**kwargs):
    from portal import versions

    versions.move("jobs")


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Job postings"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from jobs.models import JobPosting
        from portal.moderation import grant_to_moderators
        from salaries.extensions import register_landing_section
        from salaries.models import role_merged

        grant_to_moderators(
            "jobs.view_jobposting", "jobs.moderate_jobposting", "jobs.view_postingevent"
        )
        # Landing pages show open postings: they are cached under "jobs" too.
        register_landing_section(scope="jobs", section=open_jobs)
        # A merged role's postings follow it to the role it was merged into.
        role_merged.connect(move_postings, dispatch_uid="jobs.move_postings")
        # Cached landing pages list open postings: they follow every change to one.
        post_save.connect(postings_changed, sender=JobPosting, dispatch_uid="jobs-saved")
        post_delete.connect(postings_changed, sender=JobPosting, dispatch_uid="jobs-deleted")

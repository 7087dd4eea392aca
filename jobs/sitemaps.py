from jobs.models import JobPosting
from portal.sitemaps import EveryLanguageSitemap


class JobPostingSitemap(EveryLanguageSitemap):
    """Open postings only: a draft, a posting waiting for review or a closed one is not
    for search engines."""

    changefreq = "daily"

    def items(self):
        return (
            JobPosting.objects.public()
            .order_by("-date_posted", "-id")
            .only("pk", "title", "updated_at")
        )

    def lastmod(self, posting):
        return posting.updated_at

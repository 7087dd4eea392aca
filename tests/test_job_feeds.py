"""import_jobs takes schema.org JobPosting feeds as employers' systems export them: postings
that do not state a level, postings already closed, and a second run that changes a posting."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from jobs.models import JobPosting, PostingAction, PostingStatus
from tests.test_jobs import jsonld_of, schema_posting

pytestmark = pytest.mark.usefixtures("reference_data")

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def run(tmp_path, items, *options):
    """The command's output (its errors go to stderr); CommandError as it is raised."""
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(items))
    out = io.StringIO()
    call_command("import_jobs", str(path), *options, stdout=out)
    return out.getvalue()


def feed():
    return [
        schema_posting(1, title="Machine Learning Engineer"),  # no level, no experience asked
        schema_posting(2, validThrough=YESTERDAY),
        schema_posting(3, hiringOrganization=["Himal", "Analytics"]),
    ]


def test_an_invalid_posting_stops_the_feed_and_is_said_by_index(tmp_path, capsys):
    with pytest.raises(CommandError, match="1 of 3 postings are invalid; nothing was imported"):
        run(tmp_path, feed())
    assert "index 2: expected a text, found ['Himal', 'Analytics']" in capsys.readouterr().err
    assert not JobPosting.objects.exists()


def test_skip_invalid_imports_a_posting_without_a_level_and_skips_a_closed_one(
    tmp_path, client, capsys
):
    out, err = run(tmp_path, feed(), "--skip-invalid", "--publish"), capsys.readouterr().err
    assert f"index 1: closing date {YESTERDAY} has passed or is today, skipped" in out
    assert "index 2:" in err and "index 1" not in err  # closed is not a fault of the feed
    assert "Postings imported: 1 (published)" in out and "closed, skipped: 1" in out
    posting = JobPosting.objects.get()
    assert (posting.identifier, posting.level) == ("Himal:HA-1", "")
    page = client.get(posting.get_absolute_url()).content.decode()
    assert "Machine Learning Engineer, level not stated" in page
    data = jsonld_of(page)
    assert data["identifier"] == {"@type": "PropertyValue", "name": "Himal", "value": "HA-1"}
    assert data["directApply"] is False
    assert "experienceRequirements" not in data  # nothing known to say


def test_a_second_run_with_a_changed_title_updates_the_posting_in_place(tmp_path):
    run(tmp_path, [schema_posting(1)], "--publish")
    first = JobPosting.objects.get()
    out = run(tmp_path, [schema_posting(1)])
    assert "imported: 0" in out and "updated: 0; unchanged: 1" in out
    out = run(tmp_path, [schema_posting(1, title="Sr. Machine Learning Engineer")])
    assert "imported: 0" in out and "updated: 1" in out
    posting = JobPosting.objects.get()
    assert (posting.pk, posting.title) == (first.pk, "Sr. Machine Learning Engineer")
    assert (posting.status, posting.date_posted) == (PostingStatus.PUBLISHED, first.date_posted)
    # A published posting changed without a moderator: the audit trail says so, and what.
    change = posting.events.get(action=PostingAction.UPDATED)
    assert (change.by, change.note) == (None, "Changed: Job title")
    assert posting.events.count() == 3  # imported, approved, changed: not one per unchanged run


def test_a_moderator_sees_the_feed_s_change_on_the_posting_s_page(tmp_path, moderator):
    run(tmp_path, [schema_posting(1)], "--publish")
    run(tmp_path, [schema_posting(1, title="Sr. Machine Learning Engineer")])
    posting = JobPosting.objects.get()
    page = moderator.get(f"/admin/jobs/jobposting/{posting.pk}/change/").content.decode()
    assert "Changed by its feed" in page and "Changed: Job title" in page


def test_a_plain_text_identifier_and_months_of_experience_reach_the_jsonld(tmp_path, client):
    item = schema_posting(1, identifier="REQ-77", title="Machine Learning Engineer",
                          experienceRequirements={"monthsOfExperience": 48})  # fmt: skip
    run(tmp_path, [item], "--publish")
    posting = JobPosting.objects.get()
    assert (posting.identifier, posting.level) == ("REQ-77", "mid")
    data = jsonld_of(client.get(posting.get_absolute_url()).content.decode())
    assert data["identifier"]["value"] == "REQ-77"
    assert data["experienceRequirements"]["monthsOfExperience"] == 36  # at least, for mid


@pytest.mark.parametrize(
    "item, message",
    [
        ([schema_posting(1)], "index 0: not a schema.org JobPosting object"),
        (schema_posting(1, jobLocation="Kathmandu"), "index 0: no country"),
        (schema_posting(1, baseSalary={"value": "lots"}), "index 0: baseSalary needs"),
        (schema_posting(1, identifier=["HA", 1]), "index 0: expected a text"),
    ],
    ids=["array-in-array", "text-for-place", "text-for-amount", "list-for-identifier"],
)
def test_a_shape_it_cannot_read_is_said_by_index(tmp_path, capsys, item, message):
    with pytest.raises(CommandError):
        run(tmp_path, [item])
    assert message in capsys.readouterr().err

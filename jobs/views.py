from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from jobs.filters import PAGE_SIZE, PostingFilter
from jobs.forms import JobPostingForm
from jobs.models import JobPosting, PostingAction, PostingStatus
from portal import versions
from portal.models import over_hourly_limit
from portal.moderation import Actor
from portal.pagecache import public_page
from portal.private_links import PrivateLinks, private
from salaries import figures
from salaries.fields import pay_form_data
from salaries.money import Display, display_unit

POSTINGS_PER_HOUR = 5


@require_safe
@public_page("jobs")  # retired when a posting is saved: published, expired, withdrawn...
def job_list(request):
    postings = JobPosting.objects.public().select_related("role", "currency", "city")
    filterset = PostingFilter(request.GET, queryset=postings)
    context = {"filter": filterset, "form": filterset.form}
    if not filterset.is_valid():
        return render(request, "jobs/list.html", context, status=400)
    paginator = Paginator(filterset.qs.order_by("-date_posted", "-id"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context.update(
        page=page,
        page_numbers=paginator.get_elided_page_range(page.number, on_each_side=2),
        any_open=page.paginator.count or JobPosting.objects.public().exists(),
    )
    return render(request, "jobs/list.html", context)


@require_safe
@public_page("jobs", versions.ALL)  # its market panel may show any group's figures
def job_detail(request, pk, slug):
    posting = (
        JobPosting.objects.shown().select_related("role", "currency", "city").filter(pk=pk).first()
    )
    if posting is None:
        raise Http404("No such job posting")
    if slug != posting.slug:
        return redirect(posting, permanent=True)
    if posting.is_gone:
        return render(request, "jobs/gone.html", {"posting": posting}, status=410)
    unit = display_unit(Display.LOCAL, posting.country.code)
    low, high = (unit.yearly_value(c, posting.currency_id) for c in posting.converted_range())
    low, high = (float(v) if v is not None else None for v in (low, high))
    market = figures.market(
        posting.role, posting.country.code, posting.level, unit, posting.employment_type
    )
    context = {
        "posting": posting,
        "unit": unit,
        "low": low,
        "high": high,
        "market": market,
        "placement": market.placement(low, high) if market.panel and low is not None else "",
        "middle_position": market.position((low + high) / 2)
        if market.panel and low is not None
        else None,
        "against_ranges": None
        if market.panel
        else figures.check_against(
            market.ranges,
            posting.level,
            (posting.pay_min + posting.pay_max) / 2,
            posting.currency_id,
            posting.pay_period,
        ),
        "canonical": request.build_absolute_uri(posting.get_absolute_url()),
    }
    if posting.is_open:
        context["jsonld"] = posting.jsonld(context["canonical"])
    return render(request, "jobs/detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def post_job(request):
    if request.method != "POST":
        return form_page(request, "jobs/post.html", JobPostingForm())
    form = JobPostingForm(request.POST)
    if not form.is_valid():
        return form_page(request, "jobs/post.html", form, status=400)
    if form.cleaned_data["website"]:
        return redirect("jobs:list")  # a bot filled the hidden field: keep nothing
    if refusal := over_hourly_limit(
        request, "posting", POSTINGS_PER_HOUR, pgettext_lazy("hourly limit", "postings")
    ):
        form.add_error(None, refusal)
        return form_page(request, "jobs/post.html", form, status=429)
    posting = form.save(commit=False)
    draft = request.POST.get("send") == "draft"
    posting.status = PostingStatus.DRAFT if draft else PostingStatus.PENDING
    key = posting.new_link_key()
    posting.save()
    form.save_m2m()
    if not draft:
        posting.created(PostingAction.SUBMITTED, Actor.SENDER)
    return POSTING_LINKS.remember(redirect(reverse("jobs:manage") + "?new=1"), key)


# The employer's buttons and the step each takes; which of them a posting shows, and which
# it takes, is the transition table's to say (JobPosting.transitions).
EMPLOYER_BUTTONS = {
    "send": PostingAction.SUBMITTED,
    "filled": PostingAction.FILLED,
    "withdraw": PostingAction.WITHDRAWN,
}
DONE = {
    "send": _("Sent for review: a moderator will check it soon."),
    "filled": _("Marked as filled: it has left the job board."),
    "withdraw": _("Withdrawn: it is no longer listed."),
    "saved": _("Your changes are saved."),
    "late": _("Nothing was changed: the posting's status changed meanwhile (see below)."),
}


POSTING_LINKS = PrivateLinks(
    "jobs:manage",
    cookie="posting_link",
    noun=pgettext_lazy("private link", "posting"),
    title=_("Your job posting"),
    lead=_(
        "Paste the private link you were given when you posted the job, or just the code after "
        "the # in it. It is the only way to edit the posting, see its status, mark it filled or "
        "withdraw it."
    ),
)


@require_http_methods(["GET", "HEAD", "POST"])
@private
def manage_posting(request):
    """The employer's private page: the posting's status; edit it while it waits; once
    published, mark it filled or withdraw it. It is opened by a cookie that a posted private
    link is exchanged for (portal.private_links)."""
    queryset = JobPosting.objects.select_related("role", "currency", "city")
    posting, answer = POSTING_LINKS.open(request, queryset)
    if answer is not None:
        return answer
    here = reverse("jobs:manage")
    form = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "save":
            with transaction.atomic():  # decided meanwhile? then nothing is overwritten
                current = posting.locked()
                if not current.editable:
                    return redirect(here + "?done=late")
                form = JobPostingForm(request.POST, instance=current)
                if form.is_valid():
                    form.save()
                    return redirect(here + "?done=saved")
        elif action in EMPLOYER_BUTTONS:
            taken = posting.by_employer(EMPLOYER_BUTTONS[action])
            return redirect(here + f"?done={action if taken else 'late'}")
    if form is None and posting.editable:
        form = JobPostingForm(instance=posting)
    return form_page(
        request, "jobs/manage.html", form, status=400 if form and form.errors else 200,
        posting=posting, new="new" in request.GET, **POSTING_LINKS.context(request),
        done=DONE.get(request.GET.get("done", ""), ""),
        actions=[name for name, step in EMPLOYER_BUTTONS.items()
                 if step in posting.actions_for(Actor.SENDER)],
    )  # fmt: skip


# Links handed out before had the key in the path: they lead on, key in the fragment.
old_manage_link = POSTING_LINKS.old_link_view()


def form_page(request, template, form, status=200, **context):
    """A page with the posting form, and what its script reads (each country's currency)."""
    return render(request, template, {"form": form, **pay_form_data(), **context}, status=status)

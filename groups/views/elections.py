"""Elections' pages: organisers set them up, take nominations, close
nominations and the ballot; members see the elections they may vote in
(My elections), the ballot on their phone (ranked: a number per candidate,
no JS needed) and every declared result with its stage-by-stage table."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import counting
from ..errors import RollcallError
from ..exports.blt import NO_BALLOTS, blt_download, has_ballots
from ..exports.count_pdf import count_pdf
from ..models import BallotMode, Election, ElectionStatus, Meeting, Nomination, Person, Position, Rule
from ..models.elections import METHOD_NAMES
from ..permissions import capabilities, get_in_branch
from ..queries import elections as queries
from ..queries.me import linked_person
from ..services import election_ballots
from ..services import elections as services
from ..services import nominations as member_nominations
from .base import add_service_error, branch_view
from .meetings import local_time
from .nominations import NominationTimesForm

DATE = forms.DateInput(attrs={"type": "date"})
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ElectionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    positions = forms.ModelMultipleChoiceField(
        label="For the positions", queryset=Position.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="The winners take office. None: a delegation of seats.",
    )  # fmt: skip
    seats = forms.IntegerField(label="Seats", min_value=1, max_value=100, required=False,
                               help_text="Empty: the positions' seats.")  # fmt: skip
    method = forms.ChoiceField(label="Method", choices=[(m, METHOD_NAMES[m]) for m in counting.METHODS])
    voting_rule = forms.ModelChoiceField(
        label="Who may vote", queryset=Rule.objects.none(), required=False, empty_label="Everyone in the branch"
    )
    election_on = forms.DateField(label="Election date", widget=DATE,
                                  help_text="Nominees' eligibility is decided on it; terms start on it.")  # fmt: skip
    nominations_open_at = forms.DateTimeField(label="Nominations open by themselves at", widget=WHEN, required=False,
                                              help_text="Empty: open them with the button.")  # fmt: skip
    nominations_close_at = forms.DateTimeField(
        label="Nominations close by themselves at", widget=WHEN, required=False,
        help_text="Empty: close them with the button.",
    )  # fmt: skip
    if_unmet = forms.ChoiceField(
        label="If a minimum cannot be met", choices=[("vacant", "The seat stays vacant"), ("anyone", "Anyone")]
    )
    women_rule = forms.ModelChoiceField(
        label="At least … of the seats for those this rule admits", queryset=Rule.objects.none(), required=False,
        empty_label="No minimum",
    )  # fmt: skip
    women_min = forms.IntegerField(label="Minimum", min_value=1, max_value=100, required=False)
    ballot_mode = forms.ChoiceField(
        label="Ballot", choices=[("online", "Online"), ("meeting", "At a meeting"), ("paper", "Paper, two tellers")]
    )
    meeting = forms.ModelChoiceField(label="Meeting", queryset=Meeting.objects.none(), required=False)
    ballot_opens_at = forms.DateTimeField(label="Online ballot opens", widget=WHEN, required=False)
    ballot_closes_at = forms.DateTimeField(label="Online ballot closes", widget=WHEN, required=False)
    freeze_on = forms.DateField(label="Freeze date", widget=DATE, required=False,
                                help_text="Those the voting rule admits on this date may vote online.")  # fmt: skip

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        rules = Rule.objects.filter(branch=branch).order_by("name")
        self.fields["positions"].queryset = Position.objects.filter(branch=branch)
        self.fields["voting_rule"].queryset = rules
        self.fields["women_rule"].queryset = rules
        self.fields["meeting"].queryset = Meeting.objects.filter(branch=branch).order_by("-starts_at")


class NominateForm(forms.Form):
    person = forms.ModelChoiceField(label="Nominee", queryset=Person.objects.none())
    nominators = forms.ModelMultipleChoiceField(
        label="Nominated by", queryset=Person.objects.none(), help_text="Eligible voters; hold Ctrl to pick several."
    )
    consented = forms.BooleanField(
        label="The nominee has agreed to stand", required=False,
        help_text="Otherwise the nomination awaits their consent on their own account, and lapses at the close "
        "without it.",
    )  # fmt: skip
    consent_note = forms.CharField(
        label="How they agreed", required=False, max_length=300, help_text="Such as “signed the nomination form”."
    )

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(branch=branch, erased_at__isnull=True).order_by("last_name", "first_name")
        self.fields["person"].queryset = people
        self.fields["nominators"].queryset = people


def _election(branch, election_id) -> Election:
    return get_in_branch(Election.objects.select_related("voting_rule", "meeting", "branch"), branch, pk=election_id)


@branch_view("view_branch")
@local_time  # times typed and shown in the branch\'s zone
def election_list(request, branch):
    caps = capabilities(request.user, branch)
    items = list(queries.elections(branch)) if "manage_elections" in caps else list(queries.declared(branch))
    return render(
        request,
        "groups/elections/list.html",
        {"branch": branch, "caps": caps, "elections": items, "open": queries.open_for(branch, None)},
    )


@branch_view("manage_elections")
@local_time  # times typed and shown in the branch\'s zone
def election_new(request, branch):
    form = ElectionForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        rule, low = data.pop("women_rule"), data.pop("women_min")
        constraints = [{"label": rule.name, "rule": rule.pk, "min": low}] if rule and low else []
        try:
            election = services.create_election(
                branch=branch, actor=request.user, constraints=constraints, positions=list(data.pop("positions")),
                **data,
            )  # fmt: skip
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{election.title} is set up. Open nominations when you are ready.")
            return redirect("election_detail", slug=branch.slug, election_id=election.pk)
    return render(request, "groups/elections/form.html", {"branch": branch, "form": form})


@branch_view("manage_elections")
@local_time  # times typed and shown in the branch\'s zone
def election_detail(request, branch, election_id):
    return _detail(request, branch, _election(branch, election_id), NominateForm(branch=branch))


def _detail(request, branch, election, form):
    """The organisers' page, with the nomination form as given (a refused one
    shows its error beside the field it is about)."""
    nominations = list(queries.nominations(election))
    return render(
        request,
        "groups/elections/detail.html",
        {
            "branch": branch,
            "election": election,
            "nominations": nominations,
            "positions": list(election.positions.all()),
            "voted": election.marks.count(),
            "form": form,
            "times": NominationTimesForm(
                initial={
                    "nominations_open_at": election.nominations_open_at,
                    "nominations_close_at": election.nominations_close_at,
                }
            ),
        },
    )


def _act(request, branch, election_id, do, done: str):
    election = _election(branch, election_id)
    try:
        do(election=election, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("election_detail", slug=branch.slug, election_id=election.pk)


@require_POST
@branch_view("manage_elections")
def election_open_nominations(request, branch, election_id):
    return _act(request, branch, election_id, services.open_nominations, "Nominations are open.")


@require_POST
@branch_view("manage_elections")
def election_close_nominations(request, branch, election_id):
    return _act(request, branch, election_id, services.close_nominations, "Nominations are closed.")


@require_POST
@branch_view("manage_elections")
def election_close(request, branch, election_id):
    response = _act(request, branch, election_id, election_ballots.close_ballot, "Counted and declared.")
    election = _election(branch, election_id)
    if election.status == ElectionStatus.DECLARED:
        return redirect("election_result", slug=branch.slug, election_id=election.pk)
    return response


# Where a refusal without a field of its own belongs on the form.
NOMINATE_FIELD = {"withdrawn": "consented", "already_nominated": "person", "not_eligible_nominator": "nominators"}


@require_POST
@branch_view("manage_elections")
@local_time  # a refused form is shown again on the page, in the branch's zone
def election_nominate(request, branch, election_id):
    election = _election(branch, election_id)
    form = NominateForm(request.POST, branch=branch)
    if form.is_valid():
        try:
            services.nominate(
                election=election, person=form.cleaned_data["person"],
                nominators=list(form.cleaned_data["nominators"]), actor=request.user,
                consented=form.cleaned_data["consented"], consent_note=form.cleaned_data["consent_note"],
            )  # fmt: skip
        except RollcallError as exc:
            if election.status != ElectionStatus.NOMINATIONS:  # the page no longer shows the form
                messages.error(request, exc.message)
                return redirect("election_detail", slug=branch.slug, election_id=election.pk)
            add_service_error(form, exc, field=NOMINATE_FIELD.get(exc.code))
            return _detail(request, branch, election, form)
        else:
            nominee = form.cleaned_data["person"]
            messages.success(
                request, f"{nominee} is nominated." if form.cleaned_data["consented"] else
                f"{nominee} is nominated. It awaits their consent: they are told on their own page (and by email "
                "where they agreed to it); without it the nomination lapses when nominations close.",
            )  # fmt: skip
    else:
        messages.error(request, "Choose the nominee and at least one nominator.")
    return redirect("election_detail", slug=branch.slug, election_id=election.pk)


@require_POST
@branch_view("manage_elections")
def nomination_withdraw(request, branch, nomination_id):
    nomination = get_in_branch(Nomination.objects.select_related("election"), branch, "election__branch",
                               pk=nomination_id)  # fmt: skip
    try:
        services.withdraw_nomination(nomination=nomination, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The nomination is withdrawn.")
    return redirect("election_detail", slug=branch.slug, election_id=nomination.election_id)


@branch_view("manage_elections")
def election_blt(request, branch, election_id):
    election = _election(branch, election_id)
    if not has_ballots(election):
        messages.error(request, NO_BALLOTS)
        return redirect("election_detail", slug=branch.slug, election_id=election.pk)
    return blt_download(election)


def _declared_result(election) -> dict:
    """The stored count with what lets anyone check it: the seed and the
    ballots' SHA-256 (the stage table and its PDF print both)."""
    return {
        **election.result, "title": election.title, "seed": election.seed, "ballots_sha256": election.ballots_sha256,
    }  # fmt: skip


@branch_view("view_branch")
@local_time  # times typed and shown in the branch\'s zone
def election_result(request, branch, election_id):
    election = _election(branch, election_id)
    if election.status != ElectionStatus.DECLARED:
        return render(request, "groups/elections/not_declared.html", {"branch": branch, "election": election})
    elected = list(election.nominations.filter(elected=True).select_related("person"))
    return render(
        request,
        "groups/elections/result.html",
        {"branch": branch, "election": election, "result_dict": _declared_result(election), "elected": elected,
         "caps": capabilities(request.user, branch)},
    )  # fmt: skip


@branch_view("view_branch")
def election_result_pdf(request, branch, election_id):
    election = _election(branch, election_id)
    if election.status != ElectionStatus.DECLARED or election.result.get("uncontested"):
        return redirect("election_result", slug=branch.slug, election_id=election.pk)
    pdf = count_pdf(_declared_result(election), branch_name=branch.name)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="election-{election.pk}-count.pdf"'
    return response


def _ranking_from(post, election, candidates) -> list[int] | str:
    """A ranked paper's numbers (1 = first choice) or a plurality paper's
    ticks, as nomination ids in order; or what is wrong with it."""
    if not election.ranked:
        picked = [c.pk for c in candidates if f"mark-{c.pk}" in post]
        return picked
    numbered = []
    for c in candidates:
        raw = (post.get(f"rank-{c.pk}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= len(candidates):
            return f"Give each choice a number from 1 to {len(candidates)}, or leave it empty."
        numbered.append((int(raw), c.pk))
    numbers = sorted(n for n, _ in numbered)
    if numbers != list(range(1, len(numbers) + 1)):
        return "Number your choices 1, 2, 3 … without gaps or repeats."
    return [pk for _, pk in sorted(numbered)]


@branch_view("vote")
@local_time  # times typed and shown in the branch\'s zone
def election_ballot(request, branch, election_id):
    election = _election(branch, election_id)
    person = linked_person(request.user, branch)
    candidates = queries.standing(election)
    names = queries.candidate_names(candidates)
    error = None
    if request.method == "POST":
        ranking = _ranking_from(request.POST, election, candidates)
        if isinstance(ranking, str):
            error = ranking
        else:
            try:
                election_ballots.cast_election_ballot(
                    election=election, person=person, ranking=ranking, actor=request.user
                )
            except RollcallError as exc:
                error = exc.message
            else:
                messages.success(request, "Your ballot has been recorded. Nobody can see how you voted.")
                return redirect("my_elections", slug=branch.slug)
    from django.utils import timezone

    decision = election_ballots.entitlement(election, person, at=timezone.now())
    return render(
        request,
        "groups/elections/ballot.html",
        {
            "branch": branch,
            "election": election,
            "person": person,
            "candidates": list(zip(candidates, names, strict=True)),
            "decision": decision,
            "voted": queries.has_voted(election, person),
            "error": error,
            "marks": 1 if election.method == "fptp" else election.seats,
        },
        status=400 if error else 200,
    )


@branch_view("view_own")
@local_time  # times typed and shown in the branch\'s zone
def my_elections(request, branch):
    from django.utils import timezone

    person = linked_person(request.user, branch)
    items = queries.open_for(branch, person)
    now = timezone.now()
    for e in items:
        e.decision = election_ballots.entitlement(e, person, at=now)
    nominating = queries.taking_nominations(branch, person)
    for e in nominating:  # may they nominate (an eligible voter), and whom
        e.decision = services.voter_decision(e, person) if person else None
        e.others = member_nominations.others_may_nominate(e)
    return render(
        request,
        "groups/elections/mine.html",
        {"branch": branch, "person": person, "elections": items, "declared": list(queries.declared(branch)[:10]),
         "nominating": nominating, "own": queries.own_nominations(branch, person)},
    )  # fmt: skip


@branch_view("tell_ballots")
def election_tellers(request, branch, election_id):
    """Paper ballots: each teller enters the papers; every mismatch is listed until they agree."""
    from ..services import paper_ballots

    election = _election(branch, election_id)
    if election.ballot_mode != BallotMode.PAPER:  # as the API's 409 not_paper: no papers to enter
        messages.error(request, "This election is not by paper ballot: there are no papers for tellers to enter.")
        return redirect("election_detail", slug=branch.slug, election_id=election.pk)
    error = None
    if request.method == "POST":
        try:
            paper_ballots.enter_papers(election=election, actor=request.user, text=request.POST.get("papers", ""))
        except RollcallError as exc:
            error = exc.message
        else:
            messages.success(request, "Your entry is saved.")
            return redirect("election_tellers", slug=branch.slug, election_id=election.pk)
    state = queries.tellers(election, request.user)
    return render(
        request,
        "groups/elections/tellers.html",
        {
            "branch": branch,
            "election": election,
            "candidates": list(enumerate(state["candidates"], start=1)),
            "entries": state["entries"],
            "mine": state["mine"],
            "differences": state["differences"],
            "caps": capabilities(request.user, branch),
            "error": error,
            "text": request.POST.get("papers", "") if error else "",
        },
        status=400 if error else 200,
    )


@require_POST
@branch_view("manage_elections")
def election_accept_papers(request, branch, election_id):
    from ..services import paper_ballots

    election = _election(branch, election_id)
    try:
        n = paper_ballots.accept_papers(election=election, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
        return redirect("election_tellers", slug=branch.slug, election_id=election.pk)
    messages.success(request, f"{n} papers accepted. Close the ballot to count them.")
    return redirect("election_detail", slug=branch.slug, election_id=election.pk)

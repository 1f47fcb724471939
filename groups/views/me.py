"""A member's own view: the meetings they may attend (and why not, where
not), their answers, and their own contact details and consent. Every view
here finds the Person through request.user — never through an id in the URL
— so no one can see or change anyone else's record."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import Meeting, Reply
from ..permissions import get_in_branch
from ..queries.me import linked_person, my_meetings, who_looked
from ..services import consent as consent_services
from ..services import invitations as invitation_services
from ..services import linking
from ..services import people as people_services
from .base import add_service_error, branch_view


@branch_view("view_own")
def my_meetings_page(request, branch):
    person = linked_person(request.user, branch)
    rows = my_meetings(branch, person, now=timezone.now()) if person else []
    open_to_me = [r for r in rows if r["decision"].eligible]
    with timezone.override(branch.zone):
        return render(
            request,
            "groups/me/meetings.html",
            {
                "branch": branch,
                "person": person,
                "rows": rows,
                "open_to_me": open_to_me,
                "shut_out": any(not r["decision"].eligible for r in rows),
                "replies": [(Reply.YES, "Yes"), (Reply.MAYBE, "Maybe"), (Reply.NO, "No")],
            },
        )


@require_POST
@branch_view("view_own")
def my_meeting_reply(request, branch, meeting_id):
    meeting = get_in_branch(Meeting.objects.select_related("branch", "attendance_rule"), branch, pk=meeting_id)
    person = linked_person(request.user, branch)
    if person is None:
        messages.error(request, "Your account is not linked to a member record of this branch yet.")
        return redirect("my_meetings", slug=branch.slug)
    try:
        invitation = invitation_services.reply_as_member(
            meeting=meeting, person=person, reply=request.POST.get("reply", ""), actor=request.user
        )
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Your answer to “{meeting.title}”: {invitation.get_reply_display()}.")
    return redirect(reverse("my_meetings", args=[branch.slug]) + f"#meeting-{meeting.pk}")


class MyDetailsForm(forms.Form):
    """What a member may change themselves. Their email address is how they
    are linked and invited, so only an organiser changes it."""

    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    phone = forms.CharField(label="Phone", max_length=32, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    consent_email = forms.BooleanField(label="Email me about meetings (invitations and reminders)", required=False)
    consent_phone = forms.BooleanField(label="You may phone or text me about meetings", required=False)
    campaign_email = forms.BooleanField(
        label="Email me about campaigns: newsletters and calls to action", required=False
    )
    campaign_phone = forms.BooleanField(label="You may phone or text me about campaigns", required=False)

    FIELDS = ("first_name", "last_name", "phone", "postcode", "consent_email", "consent_phone")
    # Campaigning consent, recorded by groups.services.consent with its history (issue 15 item 4).
    CAMPAIGN = {"campaign_email": "email", "campaign_phone": "phone"}


@branch_view("view_own")
def my_details(request, branch):
    from ..normalise import phone_display

    person = linked_person(request.user, branch)
    if person is None:
        return render(request, "groups/me/details.html", {"branch": branch, "person": None})
    initial = {f: getattr(person, f) for f in (*MyDetailsForm.FIELDS, *MyDetailsForm.CAMPAIGN)}
    initial["phone"] = phone_display(person.phone)
    form = MyDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in MyDetailsForm.FIELDS}
        try:
            people_services.update_person(person=person, actor=request.user, data=data)
            for name, channel in MyDetailsForm.CAMPAIGN.items():
                consent_services.set_consent(
                    person=person,
                    channel=channel,
                    purpose="campaigning",
                    given=form.cleaned_data[name],
                    actor=request.user,
                )
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your details are saved.")
            return redirect("my_details", slug=branch.slug)
    from ..queries.positions import positions_of

    context = {
        "branch": branch,
        "person": person,
        "form": form,
        "terms": positions_of(person),
        "looked": who_looked(person),
    }
    with timezone.override(branch.zone):
        return render(request, "groups/me/details.html", context)


@require_POST
@branch_view("manage_people")
def person_unlink_user(request, branch, person_id):
    from ..models import Person

    person = get_in_branch(Person.objects.all(), branch, pk=person_id)
    try:
        linking.unlink_user(person=person, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The account is unlinked. It will not be linked to this person again automatically.")
    return redirect("person_detail", slug=branch.slug, person_id=person.pk)

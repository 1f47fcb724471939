"""The demo's invitations and replies."""

from __future__ import annotations

from django.db import transaction

from ..models import AuditAction, Category, Meeting, Membership, Person, Role, RoleName
from ..services import member_since, people_version
from .users import demo_user


@transaction.atomic
def seed_invitations(*, branch, users, rng, people) -> None:
    """Invitations to the upcoming published meetings for everyone their rule
    admits, marked as emailed (no email is sent), with a realistic mix of
    replies; and a registered supporter with an account, to show why some
    meetings are closed to them."""
    from datetime import timedelta

    from django.utils import timezone

    from ..models import Invitation, MeetingStatus, Reply, SendStatus
    from ..services import audit
    from ..services.invitations import admitted_people

    now = timezone.now()
    supporter = demo_user("supporter@example.org")
    Role.objects.update_or_create(user=supporter, branch=branch, defaults={"role": RoleName.MEMBER})
    # One of the generated registered supporters gets the account (so the
    # number of people stays as asked); a new one when there are none.
    riya = (
        Person.objects.filter(
            branch=branch,
            user__isnull=True,
            memberships__category__slug="registered-supporter",
            memberships__status="active",
        )
        .exclude(memberships__category__slug="party-member")
        .order_by("id")
        .first()
    )
    if riya is None:
        riya = Person.objects.create(branch=branch, first_name="Riya", last_name="Shah")
        Membership.objects.create(
            person=riya,
            branch=branch,
            category=Category.objects.get(branch=branch, slug="registered-supporter"),
            started_on=timezone.localdate() - timedelta(days=400),
        )
        member_since.refresh([riya.pk])
        people_version.bump(branch.pk)
    riya.email, riya.user = supporter.email, supporter
    riya.consent_email, riya.consent_email_at = True, now
    riya.save()
    member_person = Person.objects.filter(branch=branch, user=users[RoleName.MEMBER]).first()
    replies = [Reply.YES] * 45 + [Reply.NO] * 15 + [Reply.MAYBE] * 10 + [Reply.NONE] * 30
    total = 0
    # Tonight's meeting (under way) and those to come: the published ones not closed.
    upcoming = Meeting.objects.filter(branch=branch, status=MeetingStatus.PUBLISHED, closed_at__isnull=True)
    for meeting in upcoming.select_related("branch", "attendance_rule").order_by("starts_at"):
        rows, yes = [], 0
        for pk, email, consent in admitted_people(meeting).values_list("pk", "email", "consent_email"):
            emailed = bool(consent and email)
            reply = rng.choice(replies) if emailed or rng.random() < 0.3 else Reply.NONE
            if member_person is not None and pk == member_person.pk:
                reply = Reply.NONE  # the demo member answers themselves
            if reply == Reply.YES and meeting.capacity is not None and yes >= meeting.capacity:
                reply = Reply.MAYBE
            yes += reply == Reply.YES
            rows.append(
                Invitation(
                    meeting=meeting,
                    person_id=pk,
                    sent_at=now - timedelta(days=3) if emailed else None,
                    send_status=SendStatus.SENT
                    if emailed
                    else (SendStatus.NO_CONSENT if not consent else SendStatus.NO_EMAIL),
                    reply=reply,
                    replied_at=now - timedelta(hours=rng.randint(1, 60)) if reply else None,
                )
            )
        Invitation.objects.bulk_create(rows, batch_size=1000)
        total += len(rows)
    audit.record(
        actor=users[RoleName.ORGANISER],
        branch=branch,
        action=AuditAction.DEMO_INVITATIONS,
        summary=f"Seeded {total:,} invitations with replies to the upcoming meetings",
        changes={"invitations": total},
    )

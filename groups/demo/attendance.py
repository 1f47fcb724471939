"""The demo's attendance: a turnout story over the year of held meetings."""

from __future__ import annotations

from django.db import transaction

from ..models import Attendance, AuditAction, Meeting, Person, RoleName

_OVERRIDE_REASONS = [
    "Lapsed member: renewed at the door and showed the receipt",
    "Membership card shows she joined in March; the list is out of date",
    "Invited speaker for item 3",
]
_GUESTS = ["Councillor Dee Marsh", "Pat Lowe (local paper)", "Sam Rivers (tenants' association)", "Jo Hartley"]


def _turnout_target(index: int, count: int, people: int) -> int:
    """About 250 at the first held meeting falling to about 50 at the latest,
    scaled down for demos with fewer than 300 people."""
    share = index / (count - 1) if count > 1 else 1.0
    return round((250 - 200 * share) * min(1.0, people / 300))


@transaction.atomic
def seed_attendance(*, branch, users, rng, people) -> None:
    """The year of held meetings gets its turnout story: check-ins falling
    from about 250 to about 50, with the Decision the engine gives each person
    (written in bulk for speed, as the check-in service would record them),
    a few overrides with reasons, a few guests and one undone check-in per
    meeting or so; and invitations whose replies fall with them."""
    from datetime import timedelta

    from ..eligibility.decisions import decide, meeting_voting_definition
    from ..eligibility.loading import load_facts
    from ..models import Invitation, MeetingKind, MeetingStatus, Reply, RuleVersion
    from ..models.attendance import CheckInMethod
    from ..services import audit

    steward, organiser = users[RoleName.STEWARD], users[RoleName.ORGANISER]
    held = list(
        Meeting.objects.filter(branch=branch, status=MeetingStatus.HELD)
        .select_related("branch", "attendance_rule", "voting_rule")
        .order_by("starts_at")
    )
    ids = list(Person.objects.filter(branch=branch).values_list("id", flat=True))
    if not held or not ids:
        return
    # Each person's keenness: the keenest keep coming as turnout falls.
    keenness = {pid: rng.random() for pid in ids}
    by_keenness = sorted(ids, key=keenness.get, reverse=True)
    versions = {v.rule_id: v for v in RuleVersion.objects.filter(rule__branch=branch).order_by("version")}
    loaded = load_facts(Person.objects.filter(branch=branch), branch=branch, names=True)
    facts, names = loaded.facts, loaded.names
    attendances, invitations = [], []
    for index, meeting in enumerate(held):
        as_of = meeting.effective_eligibility_date
        decisions = {pid: decide(meeting.attendance_rule, as_of, facts=facts[pid], names=names) for pid in ids}
        eligible = [pid for pid in by_keenness if decisions[pid].eligible]
        refused = [pid for pid in by_keenness if not decisions[pid].eligible]
        target = min(_turnout_target(index, len(held), people), round(len(eligible) * 0.95))
        # Mostly the keenest come, but the odd keen person misses one.
        came = [pid for pid in eligible if rng.random() > 0.06][:target]
        overrides = refused[: min(rng.randint(1, 3), len(refused))] if meeting.attendance_rule else []
        start = meeting.starts_at
        for pid in came + overrides:
            decision = decisions[pid]
            voting = decide(meeting_voting_definition(meeting), as_of, facts=facts[pid], names=names).eligible
            is_override = pid in overrides
            attendances.append(
                Attendance(
                    meeting=meeting,
                    person_id=pid,
                    checked_in_at=start + timedelta(minutes=rng.triangular(-25, 30, -5)),
                    checked_in_by=organiser if is_override else steward,
                    method=rng.choices([CheckInMethod.DOOR, CheckInMethod.QR, CheckInMethod.BULK], weights=[80, 15, 5])[
                        0
                    ],
                    decision=decision.as_dict(),
                    rule_version=versions.get(meeting.attendance_rule_id) if meeting.attendance_rule_id else None,
                    may_vote=voting and not is_override,
                    override_reason=rng.choice(_OVERRIDE_REASONS) if is_override else "",
                    left_at=start + timedelta(minutes=rng.randint(50, 100)) if rng.random() < 0.08 else None,
                )
            )
        # A check-in undone (the wrong person ticked), kept with its reason.
        came_set = set(came)
        spare = [pid for pid in eligible if pid not in came_set]
        if spare and rng.random() < 0.6:
            pid = rng.choice(spare)
            attendances.append(
                Attendance(
                    meeting=meeting,
                    person_id=pid,
                    checked_in_at=start + timedelta(minutes=rng.randint(-10, 10)),
                    checked_in_by=steward,
                    method=CheckInMethod.DOOR,
                    decision=decisions[pid].as_dict(),
                    rule_version=versions.get(meeting.attendance_rule_id) if meeting.attendance_rule_id else None,
                    may_vote=False,
                    undone_at=start + timedelta(minutes=rng.randint(12, 30)),
                    undone_by=steward,
                    undo_reason="Ticked the wrong person with the same surname",
                )
            )
        if meeting.kind == MeetingKind.OPEN:
            for guest in rng.sample(_GUESTS, rng.randint(0, 2)):
                attendances.append(
                    Attendance(
                        meeting=meeting,
                        guest_name=guest,
                        checked_in_at=start + timedelta(minutes=rng.randint(-15, 20)),
                        checked_in_by=steward,
                        method=CheckInMethod.DOOR,
                    )
                )
        # Invitations to everyone eligible; most who came had said yes, some
        # who said yes did not come, and replies fall with turnout.
        for pid in eligible:
            roll = rng.random()
            if pid in came_set:
                reply = Reply.YES if roll < 0.72 else (Reply.MAYBE if roll < 0.8 else Reply.NONE)
            else:
                reply = (
                    Reply.YES
                    if roll < 0.07
                    else Reply.NO
                    if roll < 0.22
                    else Reply.MAYBE
                    if roll < 0.27
                    else Reply.NONE
                )
            sent = start - timedelta(days=14)
            invitations.append(
                Invitation(
                    meeting=meeting,
                    person_id=pid,
                    sent_at=sent,
                    reply=reply,
                    replied_at=sent + timedelta(hours=rng.randint(2, 300)) if reply else None,
                )
            )
    Attendance.objects.bulk_create(attendances, batch_size=1000)
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    audit.record(
        actor=organiser,
        branch=branch,
        action=AuditAction.DEMO_ATTENDANCE,
        summary=f"Seeded {len(attendances):,} check-ins and {len(invitations):,} invitations for "
        f"{len(held)} held meetings",
        changes={"attendances": len(attendances), "invitations": len(invitations), "meetings": len(held)},
    )

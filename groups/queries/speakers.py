"""The speakers' list as it stands: who is speaking, the queue in the order
groups.speaking.order works out (with each position's reason, for the chair),
the settings in force, and one person's own requests. A fixed number of
queries whatever the length of the list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from django.db.models import Q

from ..models import (
    AgendaItem,
    Attendance,
    Meeting,
    Motion,
    MotionState,
    Person,
    SelfDeclaredAttribute,
    SpeakerRequest,
    SpeakersListSettings,
    SpeakerStatus,
)
from ..speaking import order as ordering

BALANCE_GROUP = "balance"


def current_agenda_item(meeting: Meeting) -> AgendaItem | None:
    """The item the meeting is on (the chair moves through the agenda:
    Meeting.current_item). With none, requests belong to no item and "this
    item" is the meeting's business as a whole."""
    return meeting.current_item if meeting.current_item_id else None


def settings_for(meeting: Meeting) -> SpeakersListSettings:
    """The meeting's own settings, else the branch's default, else the
    defaults (unsaved): one query."""
    found = sorted(
        SpeakersListSettings.objects.filter(
            Q(meeting=meeting) | Q(branch_id=meeting.branch_id, meeting__isnull=True)
        ).select_related("attribute"),
        key=lambda s: s.meeting_id is None,
    )
    return found[0] if found else SpeakersListSettings(branch_id=meeting.branch_id)


def branch_default(branch_id: int) -> SpeakersListSettings | None:
    return SpeakersListSettings.objects.filter(branch_id=branch_id, meeting__isnull=True).first()


def group_label(s: SpeakersListSettings) -> str:
    if s.group_name:
        return s.group_name
    if s.attribute is None:
        return "the group"
    return "speakers who gave " + " or ".join(s.attribute.label_of(v) for v in s.balance_values)


def order_settings(s: SpeakersListSettings) -> ordering.Settings:
    balanced = s.balance and s.attribute_id is not None and bool(s.balance_values)
    return ordering.Settings(
        targets={BALANCE_GROUP: Fraction(s.target_percent, 100)} if balanced else {},
        labels={BALANCE_GROUP: group_label(s)},
        alternate=s.alternate,
    )


def is_present(meeting: Meeting, person: Person) -> bool:
    """Checked in, not left, not undone: the one condition for speaking."""
    return Attendance.objects.filter(
        meeting=meeting, person=person, undone_at__isnull=True, left_at__isnull=True
    ).exists()


def has_right_of_reply(meeting: Meeting, person: Person, item: AgendaItem | None) -> bool:
    """The mover of a motion moved at this meeting (on this item, when there is one)."""
    moved = Motion.objects.filter(meeting=meeting, mover=person).exclude(
        state__in=(MotionState.WITHDRAWN, MotionState.FALLEN, MotionState.SUBMITTED)
    )
    if item is not None:
        moved = moved.filter(agenda_item=item)
    return moved.exists()


@dataclass
class Placed:
    request: SpeakerRequest
    position: int
    reason: str
    in_group: bool = False  # the chair's screen only; never on a public list


@dataclass
class SpeakersList:
    settings: SpeakersListSettings
    speaking: SpeakerRequest | None
    queue: list[Placed] = field(default_factory=list)
    spoken_on_item: int = 0  # speeches on the current item: those done, and the one being made
    group_label: str = ""

    @property
    def balanced(self) -> bool:
        return bool(order_settings(self.settings).targets)

    def next_few(self, n: int = 3) -> list[Placed]:
        return self.queue[:n]

    def position_of(self, request_id: int) -> int | None:
        return next((p.position for p in self.queue if p.request.pk == request_id), None)


def _item_filter(item: AgendaItem | None) -> Q:
    return Q(agenda_item=item) if item is not None else Q(agenda_item__isnull=True)


def speakers_list(meeting: Meeting, *, settings: SpeakersListSettings | None = None) -> SpeakersList:
    """Who is speaking and the ordered queue of the current item: three or
    four queries (the settings, the requests, the history, the groups)."""
    settings = settings or settings_for(meeting)
    item = current_agenda_item(meeting)
    live = list(
        SpeakerRequest.objects.filter(meeting=meeting, status__in=(SpeakerStatus.WAITING, SpeakerStatus.SPEAKING))
        .filter(_item_filter(item) | Q(agenda_item__isnull=True))
        .select_related("person")
        .order_by("asked_at", "id")
    )
    history = list(
        SpeakerRequest.objects.filter(meeting=meeting, status=SpeakerStatus.DONE)
        .filter(_item_filter(item))
        .order_by("called_at", "id")
        .values_list("person_id", "kind")
    )
    rules = order_settings(settings)
    groups: dict[int, str] = {}
    if rules.targets:
        people = {r.person_id for r in live} | {pk for pk, _ in history}
        people.discard(None)
        groups = dict.fromkeys(
            SelfDeclaredAttribute.objects.filter(
                definition_id=settings.attribute_id,
                value__in=list(settings.balance_values),
                person_id__in=people,
                consent_given_at__isnull=False,
            ).values_list("person_id", flat=True),
            BALANCE_GROUP,
        )
    speaking = next((r for r in live if r.status == SpeakerStatus.SPEAKING), None)
    waiting = [r for r in live if r.status == SpeakerStatus.WAITING]
    placements = ordering.order(
        [
            ordering.Request(
                key=r.pk,
                speaker=r.person_id or -r.pk,
                kind=r.kind,
                sequence=i,
                group=groups.get(r.person_id),
                moved_to=r.moved_to,
                moved_reason=r.moved_reason,
            )
            for i, r in enumerate(waiting)
        ],
        history=[ordering.Spoken(speaker=pk or 0, kind=kind, group=groups.get(pk)) for pk, kind in history]
        + (
            [ordering.Spoken(speaker=speaking.person_id or 0, kind=speaking.kind, group=groups.get(speaking.person_id))]
            if speaking is not None
            else []
        ),
        settings=rules,
    )
    by_id = {r.pk: r for r in waiting}
    queue = [
        Placed(request=by_id[p.key], position=p.position, reason=p.reason, in_group=by_id[p.key].person_id in groups)
        for p in placements
    ]
    return SpeakersList(
        settings=settings,
        speaking=speaking,
        queue=queue,
        spoken_on_item=len(history) + (speaking is not None),
        group_label=rules.labels.get(BALANCE_GROUP, ""),
    )


def own_requests(meeting: Meeting, person: Person | None) -> list[SpeakerRequest]:
    """The person's waiting and speaking requests at this meeting (their phone)."""
    if person is None:
        return []
    return list(
        SpeakerRequest.objects.filter(
            meeting=meeting, person=person, status__in=(SpeakerStatus.WAITING, SpeakerStatus.SPEAKING)
        ).order_by("asked_at", "id")
    )


def request_in_meeting(meeting: Meeting, request_id) -> SpeakerRequest | None:
    try:
        return SpeakerRequest.objects.select_related("person").get(meeting=meeting, pk=int(request_id))
    except (SpeakerRequest.DoesNotExist, ValueError, TypeError):
        return None


def elapsed_seconds(request: SpeakerRequest, now: datetime) -> int:
    if request.called_at is None:
        return 0
    return max(0, int((now - request.called_at).total_seconds()))


def speaker_name(person: Person | None) -> str:
    return f"{person.first_name} {person.last_name}".strip() if person is not None else "An erased person"


def clock(seconds: int) -> str:
    """3:05 — minutes and seconds."""
    return f"{seconds // 60}:{seconds % 60:02d}"

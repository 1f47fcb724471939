"""The draft minutes as Markdown, written from plain facts about a closed
meeting (groups.queries.minutes gathers them). Pure: no Django, no database,
no clock — the same facts always give the same words, so a test can read the
figures a member would check: who moved and seconded, the counts, the result,
the chair's rulings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class VoteFacts:
    method: str  # "Secret ballot", "Named vote", "Show of hands"
    votes_for: int
    against: int
    abstain: int
    entitled: int
    voted: int
    threshold: str  # in words
    needed: int | None
    result: str  # "Carried" / "Lost" / "" (not closed)
    explanation: str = ""
    casting_vote: str = ""
    present_eligible: int | None = None  # quorum when it opened
    quorum: int | None = None
    quorate: bool | None = None
    override_reason: str = ""


@dataclass
class MotionFacts:
    label: str  # "Motion", "Amendment", "Procedural motion: that the question be now put"
    text: str  # as finally put (a motion: as amended)
    state: str  # in words
    mover: str = ""
    seconder: str = ""
    original_text: str = ""  # a motion changed by carried amendments: what was first moved
    ruling_reason: str = ""
    votes: list[VoteFacts] = field(default_factory=list)
    amendments: list[MotionFacts] = field(default_factory=list)
    procedural: list[MotionFacts] = field(default_factory=list)


@dataclass
class PointFacts:
    raised_by: str
    point: str
    standing_order: str = ""
    ruling: str = ""
    ruling_reason: str = ""
    state: str = ""
    challenge: MotionFacts | None = None


@dataclass
class ItemFacts:
    number: str  # "3." or "" for business outside the agenda
    title: str
    motions: list[MotionFacts] = field(default_factory=list)
    points: list[PointFacts] = field(default_factory=list)
    votes: list[VoteFacts] = field(default_factory=list)  # questions put without a motion
    questions: list[str] = field(default_factory=list)  # their wording, in step with `votes`


@dataclass
class MinutesFacts:
    branch: str
    title: str
    when: str
    location: str
    closed_at: str
    present: list[str]
    guests: int
    apologies: list[str]
    eligible_to_vote: int
    quorum: int
    present_eligible_at_start: int
    start_time: str
    present_eligible_at_close: int
    items: list[ItemFacts]


def _n(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else "none recorded"


def _quote(text: str) -> str:
    """Markdown would read a line starting with "#" or "-" as a heading or a
    list: a motion's words are quoted, one paragraph per line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return "\n".join(f"> {line}" for line in lines) or "> (no text)"


def quorum_line(present_eligible: int, needed: int) -> str:
    state = "quorate" if present_eligible >= needed else "not quorate"
    return f"{_n(present_eligible)} present and entitled to vote, {_n(needed)} needed: {state}"


def vote_line(v: VoteFacts) -> str:
    if not v.result:
        return f"{v.method}: not completed."
    needed = f" ({_n(v.needed)} needed)" if v.needed is not None else ""
    text = (
        f"**{v.result}** ({v.method.lower()}): {_n(v.votes_for)} for, {_n(v.against)} against, "
        f"{_n(v.abstain)} abstaining; {_n(v.voted)} of {_n(v.entitled)} entitled voted; "
        f"needed: {v.threshold[:1].lower()}{v.threshold[1:]}{needed}."
    )
    if v.casting_vote:
        text += f" The chair's casting vote: {v.casting_vote}."
    if v.quorate is not None and v.quorum is not None and v.present_eligible is not None:
        text += f" Quorum when the vote opened: {quorum_line(v.present_eligible, v.quorum)}."
    if v.override_reason:
        text += f" Opened although not quorate, because: {v.override_reason}"
    return text


def _who(m: MotionFacts) -> str:
    if m.mover and m.seconder:
        return f"Moved by {m.mover}, seconded by {m.seconder}."
    if m.mover:
        return f"Moved by {m.mover}; no seconder."
    return "Not moved."


def _who_inline(m: MotionFacts) -> str:
    who = _who(m).rstrip(".")
    return who[:1].lower() + who[1:]


def _motion(m: MotionFacts, level: str = "###") -> list[str]:
    out = [f"{level} {m.label}", "", _quote(m.original_text or m.text), "", f"- {_who(m)}"]
    for a in m.amendments:
        out.append(f"- {a.text} ({_who_inline(a)}). {a.state}.")
        out += [f"    - {vote_line(v)}" for v in a.votes]
        for p in a.procedural:
            out.append(f"    - {p.label} ({_who_inline(p)}). {p.state}.")
            out += [f"        - {vote_line(v)}" for v in p.votes]
    for p in m.procedural:
        out.append(f"- {p.label} ({_who_inline(p)}). {p.state}.")
        out += [f"    - {vote_line(v)}" for v in p.votes]
    if m.ruling_reason:
        out.append(f"- Ruled out of order by the chair: {m.ruling_reason}")
    if m.original_text and m.original_text != m.text:
        out += ["", "As amended, the substantive motion read:", "", _quote(m.text)]
    out.append("")
    for v in m.votes:
        out += [f"Vote: {vote_line(v)}", ""]
    out += [f"**Result: {m.state}.**", ""]
    return out


def _point(p: PointFacts) -> list[str]:
    cited = f" (standing order {p.standing_order})" if p.standing_order else ""
    out = [f"- Point of order from {p.raised_by}{cited}: {p.point}"]
    if p.ruling:
        reason = f" Reason: {p.ruling_reason}" if p.ruling_reason else ""
        out.append(f"    - The chair ruled: {p.ruling}.{reason}")
    else:
        out.append("    - No ruling was recorded.")
    if p.challenge is not None:
        out.append(f"    - The ruling was challenged ({_who_inline(p.challenge)}). {p.state}.")
        out += [f"    - {vote_line(v)}" for v in p.challenge.votes]
    return out


def draft_markdown(f: MinutesFacts) -> str:
    place = f", {f.location}" if f.location else ""
    lines = [
        f"# Minutes: {f.title}",
        "",
        f"{f.branch} · {f.when}{place}",
        "",
        "## Attendance",
        "",
        f"**Present ({len(f.present):,}):** {_names(f.present)}.",
        "",
    ]
    if f.guests:
        lines += [f"Also present: {f.guests:,} guest{'s' if f.guests != 1 else ''}.", ""]
    lines += [f"**Apologies ({len(f.apologies):,}):** {_names(f.apologies)}.", "", "## Quorum", ""]
    lines += [
        f"- {_n(f.eligible_to_vote)} members were entitled to vote; the quorum was {_n(f.quorum)}.",
        f"- At the start ({f.start_time}): {quorum_line(f.present_eligible_at_start, f.quorum)}.",
        f"- At the close ({f.closed_at}): {quorum_line(f.present_eligible_at_close, f.quorum)}.",
        "",
    ]
    for item in f.items:
        heading = f"## {item.number} {item.title}".replace("  ", " ")
        lines += [heading, ""]
        body = False
        for m in item.motions:
            lines += _motion(m)
            body = True
        for question, v in zip(item.questions, item.votes, strict=True):
            lines += [f"- Question put: {question}", f"    - {vote_line(v)}", ""]
            body = True
        if item.points:
            lines += ["### Points of order", ""]
            for p in item.points:
                lines += _point(p)
            lines.append("")
            body = True
        if not body:
            lines += ["_(Nothing recorded: the secretary adds the discussion here.)_", ""]
    while lines and not lines[-1]:
        lines.pop()
    # Collapse runs of blank lines the sections leave between them.
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out) + "\n"

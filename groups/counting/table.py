"""A count's result (CountResult.as_dict()) laid out as the stage-by-stage
table people read: one row per candidate, one column per stage, each column
headed by what happened in plain words. The HTML partial
(templates/groups/counts/_stages.html, through templatetags/count_tags.py)
and the PDF (exports/count_pdf.py) both draw this one layout, so the page and
the paper never disagree. Pure: plain data in, plain data out."""

from __future__ import annotations

from dataclasses import dataclass, field

METHOD_NAMES = {
    "fptp": "First past the post",
    "block": "Block vote",
    "irv": "Instant-runoff (alternative) vote",
    "scottish_stv": "Single transferable vote (Scottish rules)",
    "meek_stv": "Single transferable vote (Meek)",
}


def method_name(method: str) -> str:
    return METHOD_NAMES.get(method, method)


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def action_words(stage: dict) -> str:
    """The column's heading: what the stage did, in a few plain words."""
    action, who = stage.get("action"), stage.get("candidate")
    elected = stage.get("elected") or []
    if action == "first":
        return "First preferences"
    if action == "surplus":
        return f"{who}'s surplus transferred"
    if action == "exclude":
        return f"{who} excluded"
    if action == "doom":
        return f"{who} doomed and excluded"
    if action == "guard":
        return f"{_names(stage.get('guarded') or [])} guarded"
    if action == "elect":
        return f"{_names(elected) or who} elected" if (elected or who) else "Elected"
    return str(action)


@dataclass
class Cell:
    total: str
    # What happened to the candidate at this stage ("elected", "excluded", "guarded"), shown as a
    # word (never colour alone); `settled`: elected or excluded at an earlier stage.
    mark: str = ""
    settled: str = ""

    @property
    def mark_words(self) -> str:
        return MARK_WORDS.get(self.mark, "")


@dataclass
class Row:
    name: str
    cells: list[Cell]
    elected_at: int | None = None  # the stage number, for the summary
    order: int | None = None  # 1 = elected first


@dataclass
class StageTable:
    stages: list[dict]  # number, heading, description, action
    candidates: list[Row]
    non_transferable: list[str]
    lost_to_rounding: list[str] | None
    quotas: list[str] | None  # Meek's quota moves stage by stage
    extra_rows: list[tuple[str, list[str]]] = field(default_factory=list)


def stage_table(result: dict) -> StageTable:
    stages = result.get("stages") or []
    names = list(result.get("candidates") or [])
    for stage in stages:  # a candidate named only in the totals (never expected, but never dropped)
        for name in stage.get("totals") or {}:
            if name not in names:
                names.append(name)
    elected_order = list(result.get("elected") or [])
    rows = {name: Row(name=name, cells=[]) for name in names}
    settled: dict[str, str] = {}
    for stage in stages:
        now: dict[str, str] = {}
        for name in stage.get("guarded") or []:
            now[name] = "guarded"
        for name in stage.get("excluded") or []:
            now[name] = "excluded"
        for name in stage.get("elected") or []:
            now[name] = "elected"
            if name in rows and rows[name].elected_at is None:
                rows[name].elected_at = stage.get("number")
        totals = stage.get("totals") or {}
        for name in names:
            rows[name].cells.append(
                Cell(total=totals.get(name, ""), mark=now.get(name, ""), settled=settled.get(name, ""))
            )
        for name, what in now.items():
            if what != "guarded":
                settled[name] = what
    for position, name in enumerate(elected_order, start=1):
        if name in rows:
            rows[name].order = position
    shown = [
        {
            "number": s.get("number"),
            "action": s.get("action"),
            "heading": action_words(s),
            "description": s.get("description", ""),
        }
        for s in stages
    ]
    lost = [s.get("lost_to_rounding", "") for s in stages]
    quotas = [s.get("quota", "") for s in stages]
    return StageTable(
        stages=shown,
        candidates=[rows[n] for n in names],
        non_transferable=[s.get("non_transferable", "") for s in stages],
        lost_to_rounding=lost if any(lost) else None,
        quotas=quotas if any(quotas) else None,
    )


MARK_WORDS = {"elected": "✓ Elected", "excluded": "✕ Excluded", "guarded": "Guarded"}

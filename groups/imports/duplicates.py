"""Near-duplicates: a row the import would add as a new person who looks like
someone Rollcall already holds (or an earlier row of the file): a name that
matches closely (rapidfuzz) with the same postcode or date of birth, but a
different email or membership number, so nothing matched them. The preview
lists them for the organiser to merge (fix the email or number in the file)
or keep; they never block the import. Only the postcode and date-of-birth
keys, ids and names stay in memory, one tuple per person."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rapidfuzz import fuzz

from ..models import Person

SIMILAR = 90  # fuzz.ratio: "Silva Ana" ~ "Silva Anna" (94), not ~ "Silva Ava" (89)
MAX_SHOWN = 200


def _name(first: str, last: str) -> str:
    """Surname first, so a shared surname lines up and the first names decide."""
    return " ".join(f"{last} {first}".casefold().split())


class NearDuplicates:
    def __init__(self, branch) -> None:
        self.by_postcode: dict[str, list[tuple]] = defaultdict(list)
        self.by_birth: dict[date, list[tuple]] = defaultdict(list)
        people = (
            Person.objects.filter(branch=branch)
            .exclude(postcode="", date_of_birth=None)
            .values_list("pk", "first_name", "last_name", "postcode", "date_of_birth")
            .order_by()
        )
        for pk, first, last, postcode, born in people.iterator(chunk_size=5000):
            self._add(("person", pk, f"{first} {last}".strip()), _name(first, last), postcode, born)
        self.found: list[dict] = []
        self.count = 0

    def _add(self, who: tuple, name: str, postcode: str, born: date | None) -> None:
        if not name:
            return
        entry = (who, name)
        if postcode:
            self.by_postcode[postcode].append(entry)
        if born:
            self.by_birth[born].append(entry)

    def check(self, line: int, values: dict) -> None:
        """A row that would create a person: flag whom it resembles, then remember it."""
        name = _name(values.get("first_name", ""), values.get("last_name", ""))
        postcode, born = values.get("postcode", ""), values.get("date_of_birth")
        if not name or not (postcode or born):
            return
        seen: set[tuple] = set()
        for key, why in ((postcode, "postcode"), (born, "date of birth")):
            index = self.by_postcode if why == "postcode" else self.by_birth
            for who, other in index.get(key, ()) if key else ():
                if who in seen or fuzz.ratio(name, other) < SIMILAR:
                    continue
                seen.add(who)
                self.count += 1
                if len(self.found) < MAX_SHOWN:
                    kind, ref, label = who
                    self.found.append(
                        {
                            "line": line,
                            "name": f"{values.get('first_name', '')} {values.get('last_name', '')}".strip(),
                            "person": ref if kind == "person" else None,
                            "other_line": ref if kind == "line" else None,
                            "other_name": label,
                            "same": why,
                        }
                    )
        full = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
        self._add(("line", line, full), name, postcode, born)

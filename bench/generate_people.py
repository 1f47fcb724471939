"""Write N realistic, made-up people as a party-style membership export (CSV).

    python bench/generate_people.py 100000 > bench/data/people-100000.csv

Same shape as shared/samples/party-export.csv: UTF-8 with BOM, the party's
header names, columns Rollcall ignores, mixed date formats, postcodes with
and without a space, some missing emails / phones / dates of birth.
"""

import csv
import random
import sys
from datetime import date, timedelta

FIRST = [
    "Liam",
    "Ben",
    "Una",
    "Dev",
    "Tariq",
    "Quinn",
    "Jon",
    "Grace",
    "Maya",
    "Priya",
    "Wes",
    "Vik",
    "Yusuf",
    "Nadia",
    "Ada",
    "Olu",
    "Siobhan",
    "Kemal",
    "Rosa",
    "Hamza",
    "Ellie",
    "Marek",
    "Aisha",
    "Tom",
    "Fatima",
]
LAST = [
    "Hughes",
    "Ibrahim",
    "Yilmaz",
    "Gupta",
    "Brennan",
    "Nowak",
    "Uddin",
    "Murphy",
    "Adeyemi",
    "Walsh",
    "Vaughan",
    "Fraser",
    "Zielinski",
    "Okafor",
    "Kowalski",
    "O'Neill",
    "Patel",
    "Shah",
    "Campbell",
    "Lewis",
]
STREETS = ["Broad Lane", "West Green Road", "Philip Lane", "High Road", "Lordship Lane", "Park Lane"]
WARDS = ["Tottenham Green", "Harringay", "Bruce Grove", "St Ann's", "West Green", "Noel Park"]
DISTRICTS = ["N15", "N17", "N22", "N4", "N8"]
CATEGORIES = [
    ("Labour Party member", "L", 60),
    ("Registered supporter", "S", 20),
    ("Affiliated supporter", "A", 8),
    ("Supporter", "S", 12),
]
STATUSES = [("Active", 80), ("Lapsed", 14), ("Suspended", 1), ("Resigned", 5)]
HEADER = [
    "Membership Number",
    "First Name",
    "Surname",
    "Email Address",
    "Mobile Number",
    "Address 1",
    "Postcode",
    "Ward Name",
    "Polling District",
    "Membership Type",
    "Membership Status",
    "Date Joined",
    "Continuous Membership Since",
    "Paid Up To",
    "DOB",
]


def day(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days))


def fmt(rng, d: date) -> str:
    return d.isoformat() if rng.random() < 0.1 else d.strftime("%d/%m/%Y")


def rows(n: int, seed: int = 2016):
    rng = random.Random(seed)
    cats = [c for c in CATEGORIES for _ in range(c[2])]
    statuses = [s for s, w in STATUSES for _ in range(w)]
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        category, prefix, _ = rng.choice(cats)
        joined = day(rng, date(1975, 1, 1), date(2016, 4, 1))
        district = rng.choice(DISTRICTS)
        postcode = (
            f"{district}{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
        postcode = postcode if rng.random() < 0.3 else postcode[:-3] + " " + postcode[-3:]
        yield [
            f"{prefix}{1_000_000 + i}",
            first,
            last,
            "" if rng.random() < 0.08 else f"{first}.{last}{i}@example.org".lower().replace("'", ""),
            "" if rng.random() < 0.4 else f"07700 9{rng.randint(0, 99999):05d}",
            f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
            postcode.lower() if rng.random() < 0.2 else postcode,
            rng.choice(WARDS),
            f"T{rng.randint(1, 30)}",
            category,
            rng.choice(statuses),
            fmt(rng, joined),
            fmt(rng, day(rng, date(1970, 1, 1), joined)) if rng.random() < 0.15 else "",
            fmt(rng, day(rng, date(2014, 1, 1), date(2017, 6, 1))),
            "" if rng.random() < 0.1 else fmt(rng, day(rng, date(1930, 1, 1), date(2000, 1, 1))),
        ]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    out = sys.stdout
    out.reconfigure(encoding="utf-8-sig", newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(n))


if __name__ == "__main__":
    main()

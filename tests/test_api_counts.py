"""POST /api/v1/branches/{slug}/counts/ (CONTRACT.md §7): an organiser counts
a BLT file; nothing is stored; a malformed file is refused naming its line."""

import hashlib
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import AuditEvent, RateCount

URL = "/api/v1/branches/green-lanes/counts/"
FIXTURES = Path(__file__).parent / "counting" / "fixtures"
POLLOKSHIELDS = (FIXTURES / "pollokshields-2007.blt").read_bytes()
SMALL = b'4 2\n5 1 2 0\n4 3 0\n3 2 0\n1 4 0\n2 0\n0\n"Ada"\n"Bea"\n"Cy"\n"Dan"\n"Delegates"\n'


def post(client, content=SMALL, **fields):
    upload = SimpleUploadedFile("ballots.blt", content, content_type="text/plain")
    return client.post(URL, {"file": upload, **fields}, format="multipart")


def test_an_organiser_counts_a_council_ward(api, organiser, branch):
    response = post(api(organiser), POLLOKSHIELDS, method="scottish_stv", seed="recount-1")
    assert response.status_code == 200, response.json()
    count = response.json()
    assert count["method"] == "scottish_stv"
    assert (count["seats"], count["valid_ballots"], count["quota"]) == (3, 9567, "2392.00000")
    assert count["elected"] == ["Irfan Rabbani", "Khalil Malik", "David Meikle"]
    assert count["seed"] == "recount-1"
    first, second = count["stages"][:2]
    assert first["action"] == "first" and first["totals"]["Irfan Rabbani"] == "2575.00000"
    assert (second["action"], second["candidate"]) == ("surplus", "Irfan Rabbani")
    assert second["totals"]["Khalil Malik"] == "2082.01312"
    assert second["non_transferable"] == "79.01872"
    assert "truncated to five decimals" in second["description"]
    assert len(count["stages"]) == 10


def test_the_ballots_hash_is_of_the_canonical_blt(api, organiser, branch):
    from groups.counting import read_blt, write_blt

    response = post(api(organiser), method="block", seed="s")
    canonical = write_blt(read_blt(SMALL).canonical()).encode()
    assert response.json()["ballots_sha256"] == hashlib.sha256(canonical).hexdigest()
    # The same papers in another order: the same hash.
    reordered = b'4 2\n2 0\n1 4 0\n3 2 0\n4 3 0\n5 1 2 0\n0\n"Ada"\n"Bea"\n"Cy"\n"Dan"\n"Delegates"\n'
    assert post(api(organiser), reordered, method="block", seed="s").json() == response.json()


def test_without_a_seed_one_is_chosen_and_returned(api, organiser, branch):
    tied = b'3 1\n3 1 0\n3 2 0\n1 3 0\n0\n"Ada"\n"Bea"\n"Cy"\n"Tie"\n'
    count = post(api(organiser), tied, method="scottish_stv").json()
    assert len(count["seed"]) == 16 and count["draws"]
    again = post(api(organiser), tied, method="scottish_stv", seed=count["seed"]).json()
    assert again == count  # anyone with the seed gets the same count


@pytest.mark.parametrize("method", ["fptp", "block", "irv", "scottish_stv", "meek_stv"])
def test_every_method(api, organiser, branch, method):
    content = SMALL.replace(b"4 2\n", b"4 1\n") if method in ("fptp", "irv") else SMALL
    if method == "fptp":
        content = b'4 1\n5 1 0\n4 3 0\n3 2 0\n1 4 0\n2 0\n0\n"Ada"\n"Bea"\n"Cy"\n"Dan"\n"Delegates"\n'
    response = post(api(organiser), content, method=method, seed="s")
    assert response.status_code == 200, response.json()
    assert response.json()["method"] == method
    assert response.json()["invalid_ballots"] == 2


def test_constraints(api, organiser, branch):
    response = post(
        api(organiser),
        method="scottish_stv",
        seed="s",
        constraints='[{"candidates": ["Dan"], "min": 1}]',
        if_unmet="vacant",
    )
    assert response.status_code == 200, response.json()
    count = response.json()
    assert "Dan" in count["elected"]
    assert count["constraints"] == [{"candidates": ["Dan"], "min": 1, "max": None}]
    assert any(stage["action"] == "guard" for stage in count["stages"])


def test_a_malformed_file_is_refused_naming_its_line(api, organiser, branch):
    bad = b'3 1\n2 1 0\n1 1 7 0\n1 2 2 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    response = post(api(organiser), bad, method="irv", seed="s")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "malformed_blt"
    assert body["lines"] == [
        {"line": 3, "message": "candidate 7 is not one of the 3 candidates"},
        {"line": 4, "message": "candidate 2 is ranked more than once"},
    ]
    assert body["detail"].startswith("The BLT file is not well formed: line 3: candidate 7")


@pytest.mark.parametrize(
    ("fields", "content", "key", "words"),
    [
        ({"method": "borda"}, SMALL, "method", "not a valid choice"),
        ({"method": "irv", "seed": "s"}, SMALL, "detail", "IRV fills one seat"),
        ({"method": "block", "constraints": "[{"}, SMALL, "constraints", "Give a JSON list"),
        ({"method": "block", "constraints": '[{"candidates": ["Zed"], "min": 1}]'}, SMALL, "constraints", "'Zed'"),
        ({"method": "block", "if_unmet": "later"}, SMALL, "if_unmet", "not a valid choice"),
        ({"method": "block"}, b"", "file", "empty"),
        ({"method": "block"}, b"\x00\x01", "detail", "not a text file"),
        ({"method": "block"}, b'2 1\n3 0\n0\n"A"\n"B"\n"T"\n', "detail", "no valid ballot papers"),
    ],
)
def test_bad_requests_say_what_to_fix(api, organiser, branch, fields, content, key, words):
    response = post(api(organiser), content, **fields)
    assert response.status_code == 400
    body = response.json()
    message = body[key] if key == "detail" else body[key][0]
    assert words in message


def test_no_file(api, organiser, branch):
    response = api(organiser).post(URL, {"method": "irv"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["No file was submitted."]}


def test_the_size_limit_gets_a_clear_message(api, organiser, branch, settings):
    settings.COUNT_MAX_BYTES = 1024 * 1024
    big = SMALL.replace(b"5 1 2 0\n", b"1 1 2 0\n" * 150_000)
    response = post(api(organiser), big, method="block")
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith("The file is 1.1 MB; the limit is 1 MB.")


def test_nothing_is_stored_but_the_audit_row(api, organiser, branch):
    client = api(organiser)
    client.get("/api/v1/branches/")  # the token and its user are looked up on every request anyway
    with CaptureQueriesContext(connection) as queries:
        assert post(client, method="meek_stv", seed="s").status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    # The rate limit's counter (groups/api/throttling.py), which every API request moves, and the audit row.
    others = [w for w in writes if RateCount._meta.db_table not in w]
    assert len(others) == 1 and AuditEvent._meta.db_table in others[0]
    event = AuditEvent.objects.get(action="count.uploaded")
    assert event.changes["method"] == "meek_stv" and event.changes["valid_ballots"] == 13
    # No candidate's name, nor the title, in the audit row.
    assert not {"Ada", "Bea", "Delegates"} & set(str(event.changes).split("'")) and "Ada" not in event.summary


def test_stewards_and_members_may_not_count(api, steward, member, branch):
    for user in (steward, member):
        response = post(api(user), method="block", seed="s")
        assert response.status_code == 403
        assert "detail" in response.json()


def test_another_branch_answers_404(api, outsider, branch):
    assert post(api(outsider), method="block", seed="s").status_code == 404


def test_signing_in_is_required(api, branch):
    assert post(api(), method="block", seed="s").status_code == 401


def test_the_endpoint_is_in_the_schema(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    operation = schema["paths"]["/api/v1/branches/{branch_slug}/counts/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "401", "403", "404"}
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "file" in str(body) or "$ref" in body
    result = schema["components"]["schemas"]["CountResult"]
    assert {"elected", "stages", "seed", "ballots_sha256", "quota"} <= set(result["properties"])

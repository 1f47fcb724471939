"""The organisers' count page (issue 13 item 6): upload a BLT file, see every
stage, download the PDF; a malformed file refused naming its line; nothing
kept but an audit row without names."""

import html as markup
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import AuditEvent
from tests.test_attendance_pages import pdf_text

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "counting" / "fixtures"
POLLOKSHIELDS = (FIXTURES / "pollokshields-2007.blt").read_bytes()
# Two seats, four candidates; Bea and Dan are the women.
DELEGATION = b'4 2\n3 1 2 0\n2 2 1 0\n4 3 0\n2 4 3 0\n1 1 4 0\n0\n"Ada"\n"Bea"\n"Cy"\n"Dan"\n"Delegation"\n'


def url(branch):
    return reverse("count_page", args=[branch.slug])


def post(client, branch, content=DELEGATION, **fields):
    data = {"method": "scottish_stv", "if_unmet": "vacant", **fields}
    if content is not None:
        data["file"] = SimpleUploadedFile("ballots.blt", content, content_type="text/plain")
    return client.post(url(branch), data)


def test_the_page_offers_the_form(client_for, organiser, branch):
    response = client_for(organiser).get(url(branch))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    assert "Scottish rules" in html and "Meek" in html
    assert 'name="c1_candidates"' in html and 'name="c1_min"' in html
    # Inside the Elections section of the navigation, and linked from its page.
    assert 'aria-current="page">Elections<' in html
    elections = client_for(organiser).get(f"/b/{branch.slug}/elections/").content.decode()
    assert f'href="{url(branch)}">Count a ballot file<' in elections


def test_a_good_file_shows_every_stage_to_five_decimals(client_for, organiser, branch):
    response = post(client_for(organiser), branch, POLLOKSHIELDS, seed="recount-1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "POLLOKSHIELDS: the count" in html
    assert "<dd>9,567</dd>" in html and "2392.00000" in html
    # Stage 2's surplus, as the 2007 count's own sheet shows it.
    assert "Irfan Rabbani&#x27;s surplus transferred" in html
    assert "2082.01312" in html and "79.01872" in html
    assert len(re.findall(r'<span class="count-stage-no">Stage \d+</span>', html)) == 10
    ordered = re.findall(r"<li>✓ ([^<]+)</li>", html)
    assert ordered == ["Irfan Rabbani", "Khalil Malik", "David Meikle"]
    assert "recount-1" in html and re.search(r"<code class=\"break\">[0-9a-f]{64}</code>", html)


def test_pasted_ballots_count_too(client_for, organiser, branch):
    response = post(client_for(organiser), branch, None, ballots=DELEGATION.decode(), method="meek_stv", seed="s")
    assert response.status_code == 200
    assert "Delegation: the count" in response.content.decode()


def test_a_malformed_file_is_refused_with_its_line_number(client_for, organiser, branch):
    bad = b'3 1\n2 1 2 0\n1 9 0\n0\n"Ada"\n"Bea"\n"Cy"\n"Bad"\n'
    response = post(client_for(organiser), branch, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Line 3: candidate 9 is not one of the 3 candidates." in html
    assert "count-stages" not in html
    assert not AuditEvent.objects.filter(action__startswith="count.").exists()


def test_no_file_and_nothing_pasted(client_for, organiser, branch):
    response = post(client_for(organiser), branch, None)
    assert response.status_code == 400
    assert "Choose the BLT file, or paste the ballots below." in response.content.decode()


def test_constraints_guard_and_doom(client_for, organiser, branch):
    response = post(client_for(organiser), branch, seed="x", c1_candidates="Bea, Dan", c1_min="1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "At least 1 of Bea, Dan" in html
    assert "Dan guarded" in html and "Cy doomed and excluded" in html
    assert re.findall(r"<li>✓ ([^<]+)</li>", html) == ["Ada", "Dan"]


def test_a_constraint_naming_nobody_in_the_file(client_for, organiser, branch):
    response = post(client_for(organiser), branch, c1_candidates="Zed", c1_min="1")
    assert response.status_code == 400
    assert "Zed" in response.content.decode()


def test_a_bound_without_candidates(client_for, organiser, branch):
    response = post(client_for(organiser), branch, c2_min="1")
    assert response.status_code == 400
    assert "Name the candidates this constraint is about." in response.content.decode()


def test_the_pdf_repeats_the_count_shown(client_for, organiser, branch):
    client = client_for(organiser)
    shown = post(client, branch, POLLOKSHIELDS).content.decode()
    seed = re.search(r'<input type="hidden" name="seed" value="([0-9a-f]+)">', shown).group(1)
    ballots = re.search(r'<textarea name="ballots" hidden aria-hidden="true">(.*?)</textarea>', shown, re.S)
    ballots = markup.unescape(ballots.group(1))  # as a browser sends it back
    response = client.post(
        url(branch),
        {"method": "scottish_stv", "if_unmet": "vacant", "seed": seed, "ballots": ballots, "download": "pdf"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for words in ("Irfan Rabbani", "Khalil Malik", "2082.01312", "79.01872", "2392.00000", seed):
        assert words in text
    sha = re.search(r"<code class=\"break\">([0-9a-f]{64})</code>", shown).group(1)
    assert sha in text
    assert AuditEvent.objects.filter(action="count.pdf").count() == 1


def test_audited_without_names(client_for, organiser, branch):
    post(client_for(organiser), branch, seed="x")
    event = AuditEvent.objects.get(action="count.uploaded")
    assert event.actor == organiser and event.branch == branch
    assert event.changes["seats"] == 2 and event.changes["valid_ballots"] == 12
    text = f"{event.summary} {event.changes}"
    assert not any(name in text for name in ("Ada", "Bea", "Cy", "Dan", "Delegation"))


@pytest.mark.parametrize(("who", "status"), [("steward", 403), ("member", 403), ("outsider", 404)])
def test_only_the_branchs_organisers(client_for, branch, who, status, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(branch)).status_code == status
    assert post(client, branch).status_code == status

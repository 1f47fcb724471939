from django.core.files.uploadedfile import SimpleUploadedFile

from groups.imports import jobs as import_jobs

from . import Entry

GOOD = b"First name,Last name,Email,Category\nAda,Lovelace,ada@example.org,Supporter\n"


def _upload(w):
    uploaded = SimpleUploadedFile("list.csv", GOOD, content_type="text/csv")
    token = import_jobs.save_upload(branch=w.branch, user=w.organiser, uploaded=uploaded)
    return {"slug": w.branch.slug, "token": token}


def _started(w):
    kwargs = _upload(w)
    import_jobs.set_state(
        kwargs["token"],
        branch_id=w.branch.pk,
        user_id=w.organiser.pk,
        state="queued",
        done=0,
        total=1,
        phase="",
        report=None,
    )
    return kwargs


ENTRIES = {
    "import_upload": Entry(need="import_people"),
    "import_preview": Entry(kwargs=_upload, need="import_people"),
    "import_confirm": Entry(kwargs=_upload, need="import_people", method="post"),
    "import_result": Entry(kwargs=_started, need="import_people"),
}

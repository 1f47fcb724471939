from . import Entry

ENTRIES = {
    "reports": Entry(need="view_reports"),
    "reports_absent_csv": Entry(need="export_people"),
}

"""The member import's machinery, below the service (groups/services/imports.py,
`import_members`, which the upload pages, `manage.py import_members` and the
API call): reading a CSV file (reading.py), which column feeds which field
(mapping.py), cleaning each row (cleaning.py), checking the whole file against
the people Rollcall already holds (checking.py), the report (report.py), and
uploads kept between preview and confirm with the task that runs them (jobs.py).
Nothing here writes to the database except through the service."""

"""Things the app hands out rather than shows: personal QR codes for the door
(``qr``) and minutes as a PDF (``minutes_pdf``). Other CSV, PDF and iCalendar exports live beside their pages
(groups/people_csv.py, groups/signin_sheet.py, groups/ical.py)."""

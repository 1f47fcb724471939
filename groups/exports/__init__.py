"""Things the app hands out rather than shows: personal QR codes for the door
(``qr``). CSV, PDF and iCalendar exports live beside their pages today
(groups/people_csv.py, groups/signin_sheet.py, groups/ical.py)."""

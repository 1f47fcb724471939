"""Logging that never records a query string (ASVS 7.1.1, 8.3.1).

A search typed into the people list or the door (`?q=Silva`) is a member's
name; runserver's request lines (`django.server`) and any message that quotes
a URL would carry it into the server's log. Every handler in
config/settings.py LOGGING passes records through `NoQueryStrings`, which
keeps the path and drops what follows the `?`. gunicorn's access log is
configured apart (config/gunicorn.conf.py: `%(U)s`, the path alone).

Imported while settings configure logging: nothing from Django here."""

import logging
import re

# A path (or a URL) followed by its query string, up to white space or a quote.
_QUERY = re.compile(r"""(/[^\s?"'<>]*)\?[^\s"'<>]*""")


def without_query_strings(text: str) -> str:
    return _QUERY.sub(r"\1", text)


class NoQueryStrings(logging.Filter):
    """Rewrites a record's message with every URL's query string left out; keeps the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = without_query_strings(message), ()
        return True

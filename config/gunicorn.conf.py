"""gunicorn's settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Threads (gthread), so that a client that sends its request slowly — a phone on
a church hall's signal uploading a membership list, or an attacker announcing
21 MB and sending 1 KB — holds one thread, not a whole worker: with sync
workers two such uploads took the whole app down until gunicorn's timeout.
The reverse proxy in front (README, "Production") should also buffer request
bodies, so that a stalled upload never reaches the app at all.

The access log leaves out query strings (%(U)s is the path alone): a search
typed into a page must not land in the server's logs."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30  # a worker silent this long is restarted
graceful_timeout = 30
keepalive = 5
# Request limits (gunicorn answers beyond them itself, as plain 400/414 pages).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

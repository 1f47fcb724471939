"""Loaded with `-p` before pytest-django configures Django: the test
environment's variables must exist before settings are read."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-and-random-enough-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Playwright's sync API runs an event loop in the main thread; ORM calls in
# fixtures would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "true")
# Uploaded membership lists go to a throwaway directory, never the repository.
os.environ.setdefault("IMPORT_UPLOAD_DIR", tempfile.mkdtemp(prefix="rollcall-test-imports-"))

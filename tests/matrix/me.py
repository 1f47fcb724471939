"""Pages about the signed-in user, not a branch."""

from . import Entry

EVERYONE_SIGNED_IN = ("outsider", "member", "steward", "organiser")

ENTRIES = {
    "api_tokens": Entry(kwargs=lambda w: {}, expect={a: 200 for a in EVERYONE_SIGNED_IN}),
    "api_token_revoke": Entry(kwargs=lambda w: {}, method="post", expect={a: 302 for a in EVERYONE_SIGNED_IN}),
}

"""Domain errors: a stable code for programs and tests, a sentence for people.
Views and the API translate them; nothing else should catch them."""


class RollcallError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **details):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def __str__(self) -> str:
        return self.message


class NotAllowed(RollcallError):
    code = "not_allowed"


class InvalidInput(RollcallError):
    code = "invalid"


class Conflict(RollcallError):
    code = "conflict"


def refused(reasons, *, doing: str, code: str) -> NotAllowed:
    """Someone refused, with the Decision's reasons in one sentence ("You may not
    {doing}: …") and the Decision itself for the API."""
    reasons = tuple(reasons)
    return NotAllowed(
        f"You may not {doing}: " + "; ".join(r.rstrip(".") for r in reasons) + ".",
        code=code,
        decision={"eligible": False, "reasons": list(reasons)},
    )


def not_entitled(reasons, *, to: str) -> NotAllowed:
    """A voter refused ("You may not vote on this: …"): votes and elections alike."""
    return refused(reasons, doing=f"vote {to}", code="not_entitled")

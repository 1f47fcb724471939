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

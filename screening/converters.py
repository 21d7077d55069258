"""Path converters for the addresses that carry a result's token."""


class TokenConverter:
    """A result token as ``new_token`` makes them: URL-safe base64, at most the field's 64.

    Anything else is no such result (404) before the database is asked: PostgreSQL refuses a
    text holding a NUL byte, so ``/r/x%00/`` would otherwise be a server error.
    """

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value

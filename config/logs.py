"""Keep result tokens and phone numbers out of the logs.

A token is the only key to one person's answers, and Django logs the path of every 4xx/5xx
response; a call-back number is personal data. Both are replaced before a line is written.
"""

import logging
import re

# /r/<token>/..., /api/v1/submissions/<token>/... (the same paths as PRIVATE_PATH in middleware).
TOKEN_IN_PATH = re.compile(r"(/r/|/api/v1/submissions/)[^/\s?#'\"]+")
# Mainland mobile numbers, with or without +86 and separators; landlines with their area code
# (010, 02x, 0xxx; in brackets or not) and 7-8 digits, as referrals.callbacks accepts them.
PHONE = re.compile(
    r"(?<!\d)(?:(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}"
    r"|\(?0(?:10|2\d|[3-9]\d{2})\)?[\s-]?\d{3,4}[\s-]?\d{4})(?!\d)"
)


def redact(text: str) -> str:
    """``text`` with result tokens in paths and phone numbers replaced by placeholders."""
    return PHONE.sub("<phone>", TOKEN_IN_PATH.sub(r"\1<token>", text))


class RedactPersonalData(logging.Filter):
    """A handler filter: redacts the message and any traceback of each record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # A call whose arguments do not fit its message ('case %s %s', 1): a filter that
            # raised would break the caller, so the message goes out unformatted, its arguments
            # (which may be personal) dropped.
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        if record.exc_info:
            # Formatters reuse exc_text; JSON ones would format exc_info again, so drop it.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

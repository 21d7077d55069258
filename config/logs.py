"""Keep result tokens and phone numbers out of the logs.

A token is the only key to one person's answers, and Django logs the path of every 4xx/5xx
response; a call-back number is personal data. Both are replaced before a line is written.
"""

import ipaddress
import logging
import re
import unicodedata
from collections.abc import Sequence

# What every record has; anything else was passed in ``extra`` (JSON logs print those too).
STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# /r/<token>/..., /api/v1/submissions/<token>/... (the same paths as PRIVATE_PATH in middleware).
TOKEN_IN_PATH = re.compile(r"(/r/|/api/v1/submissions/)[^/\s?#'\"]+")
# A questionnaire taken on from a quick check names that result: /q/phq-9/?after=<token>.
TOKEN_IN_QUERY = re.compile(r"([?&]after=)[^&\s#'\"]+")
# Between the groups of a number as people write them in notes: spaces, hyphens, dashes
# ("139——1234——5678", "139 - 1234 - 5678"), a closing bracket ("(139)12345678").
SEP = r"[\s\-\u2013\u2014)]{1,3}"
# Mainland numbers in every form referrals.callbacks.normalise_phone accepts (once folded, below),
# and as team members write them: mobiles with or without +86 / 0086, bracketed or not, grouped
# any way (139 1234 5678, 13 912 345 678) but with a separator only before two digits or more,
# so a list of single digits is no number; landlines with their area code (010, 02x, 0xxx;
# bracketed or not, its 0 dropped after +86 / 0086) and 7-8 digits. Dots and slashes only in a
# number's own shape (139.1234.5678, 0771.5551234): elsewhere they are IP addresses and decimals.
PHONE = re.compile(
    rf"(?<!\d)(?:(?:(?:\+|00)?86(?:{SEP})?)?\(?1[3-9](?:(?:{SEP}(?=\d\d))?\d){{9}}"
    rf"|(?:(?:\+|00)86(?:{SEP})?\(?0?|\(?0)(?:10|2\d|[3-9]\d{{2}})\)?(?:{SEP})?\d{{3,4}}(?:{SEP})?\d{{4}}"
    r"|1[3-9]\d([./])\d{4}\1\d{4}"
    r"|0(?:10|2\d|[3-9]\d{2})[./]\d{7,8})(?!\d)",
    re.ASCII,
)


def fold(text: str) -> str:
    """``text`` with full-width and other compatibility forms (１３９, （０１０）, ＋８６) as ASCII.

    Character by character (NFKC of each), so the folded text is as long as the original and a
    match's place in one is its place in the other: only what matches is replaced, the rest
    (Chinese punctuation in a case note) stays as written.
    """
    if text.isascii():
        return text
    return "".join(
        folded if len(folded := unicodedata.normalize("NFKC", char)) == 1 else char for char in text
    )


# One character written as an escape, as paths reach the logs: Django's request log writes a
# path's non-ASCII characters as Python escapes (/q/１３９… as /q/\uff11\uff13\uff19…, and its
# backslashes doubled), a raw URI percent-encodes them (%EF%BC%91), and a WSGI path is the URI's
# UTF-8 bytes read as Latin-1 (gunicorn's access log writes "ï¼\x91" for "１").
ESCAPED_CHAR = re.compile(
    r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|\\)"
    r"|%[0-7][0-9a-fA-F]|%[cdCD][0-9a-fA-F]%[89abAB][0-9a-fA-F]"
    r"|%[eE][0-9a-fA-F](?:%[89abAB][0-9a-fA-F]){2}|%[fF][0-4](?:%[89abAB][0-9a-fA-F]){3}"
    r"|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def unescape(escape: str) -> str | None:
    """The one character ``escape`` (an ESCAPED_CHAR) stands for, or None if it stands for none."""
    try:
        if escape[0] == "\\":
            return escape.encode().decode("unicode_escape")
        if escape[0] == "%":
            return bytes.fromhex(escape.replace("%", "")).decode()
        return escape.encode("latin-1").decode()
    except UnicodeError:
        return None


def readable(text: str) -> tuple[str, Sequence[int]]:
    """``text`` as phone numbers are looked for in it, and where each of its characters starts.

    Escaped characters are read as the character (a number written as \\uff11\\uff13… is still a
    number, and \\u7535 before one is 电, no digit), then compatibility forms as ASCII (fold).
    The second value maps a place in the first to its place in ``text`` (one more entry than
    characters, for a match's end).
    """
    if not ESCAPED_CHAR.search(text):
        return fold(text), range(len(text) + 1)
    chars: list[str] = []
    starts: list[int] = []
    end = 0
    for match in ESCAPED_CHAR.finditer(text):
        chars += text[end : match.start()]
        starts += range(end, match.start())
        if (char := unescape(match[0])) is None:
            chars += match[0]
            starts += range(match.start(), match.end())
        else:
            chars.append(char)
            starts.append(match.start())
        end = match.end()
    chars += text[end:]
    starts += range(end, len(text) + 1)
    return fold("".join(chars)), starts


def redact(text: str) -> str:
    """``text`` with result tokens in paths and phone numbers replaced by placeholders."""
    text = TOKEN_IN_QUERY.sub(r"\1<token>", TOKEN_IN_PATH.sub(r"\1<token>", text))
    read, starts = readable(text)
    kept, end = [], 0
    for match in PHONE.finditer(read):
        kept += [text[end : starts[match.start()]], "<phone>"]
        end = starts[match.end()]
    return "".join(kept) + text[end:]


# C0 controls but tab, DEL, and what some log tools also break lines at (NEL, U+2028, U+2029).
CONTROL_ESCAPES = {
    code: f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"
    for code in [*range(9), *range(10, 32), 127, 0x85, 0x2028, 0x2029]
}


def one_line_redacted(text: str) -> str:
    """``text`` redacted, with control characters written as escapes: one record, one line (a
    path with an encoded newline, /r/x%0a..., must not forge a second log line)."""
    return redact(text).translate(CONTROL_ESCAPES)


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
        record.msg = one_line_redacted(message)
        record.args = ()
        if record.exc_info:
            # Formatters reuse exc_text; JSON ones would format exc_info again, so drop it.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for name, value in list(vars(record).items()):
            if name in STANDARD_ATTRS or value is None or isinstance(value, (bool, float)):
                continue
            if isinstance(value, int):
                # Counts and status codes stay numbers; a mobile number given as one does not (11
                # digits, 13 with 86). Only those lengths are written out: str() refuses an int
                # of thousands of digits, and a filter that raised would break the caller.
                if 10**10 <= abs(value) < 10**13 and redact(str(value)) != str(value):
                    setattr(record, name, "<phone>")
                continue
            # A path, a form's data or an object whose text holds them, given as ``extra``: the
            # JSON formatter writes each such field as text, unredacted.
            setattr(record, name, one_line_redacted(str(value)))
        return True


class QuietClientErrors(logging.Filter):
    """A handler filter: Django's lines about a request it refused (4xx) as one-line warnings.

    Django logs a bad Host header, an oversized form (django.security.*) at ERROR and a 403 with
    its traceback: anyone on the internet can cause them, and hundreds of tracebacks bury the
    one that matters. Server errors (5xx) keep their level and their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from_django = record.name == "django.request" or record.name.startswith("django.security.")
        if not from_django or getattr(record, "status_code", 500) >= 500:
            return True
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = record.stack_info = None
        return logging.getLogger(record.name).isEnabledFor(logging.WARNING)


# Gunicorn's one line naming a client: "Invalid request from ip=203.0.113.7: <what was wrong>".
INVALID_REQUEST = "Invalid request from "
ADDRESS = re.compile(r"[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*")


def without_address(match: re.Match) -> str:
    """``match`` as <address> where it is an IP address (with a colon after it, as in ip=::1:)."""
    text = match[0]
    for candidate in (text, text.removesuffix(":")):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return "<address>" + text[len(candidate) :]
    return text


class RedactClientAddresses(logging.Filter):
    """A filter for gunicorn's error log: no client address in it, as in the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(INVALID_REQUEST):
            record.msg, record.args = ADDRESS.sub(without_address, message), ()
        return True

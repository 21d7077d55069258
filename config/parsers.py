import codecs
import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant


class DuplicateKey(ValueError):
    pass


def refuse_duplicate_keys(pairs: list) -> dict:
    """An object naming one key twice is ambiguous: {"phq9_9": 1, "phq9_9": 0} would let the
    last one decide, silently, whether an answer sheet shows thoughts of self-harm."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a 400 instead of a 500 for absurdly deep nesting (a few KB of
    ``[[[[...`` makes Python's json module raise RecursionError, which DRF does not treat as a
    parse error), and a 400 for a key given twice in one object."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=strict_constant if self.strict else None,
                object_pairs_hook=refuse_duplicate_keys,
            )
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        except DuplicateKey as duplicate:
            raise ParseError(
                _("The JSON body gives “%(key)s” twice.") % {"key": str(duplicate)[:40]}
            ) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None

"""OpenAPI additions that no single view owns (drf-spectacular post-processing hooks)."""

import copy

from config.national import national_hotlines
from config.outage import outage_body

HOTLINE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "number": {"type": "string"},
        "tel": {"type": "string"},
        "hours": {"type": "string"},
    },
    "required": ["name", "number", "tel", "hours"],
}
UNAVAILABLE = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "hotlines": {"type": "array", "items": {"$ref": "#/components/schemas/OutageHotline"}},
    },
    "required": ["detail", "hotlines"],
}


def document_outage(result, generator, request, public) -> dict:
    """Every operation may answer 503 with the national hotlines (config.outage)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["OutageHotline"] = HOTLINE
    schemas["Unavailable"] = UNAVAILABLE | {"example": outage_body()}
    for operations in result["paths"].values():
        for operation in operations.values():
            operation["responses"]["503"] = {
                "description": "The database or cache is unreachable for a moment; show the "
                "hotlines and try again later (`Retry-After` seconds).",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Unavailable"}}
                },
            }
    return result


# Refusals other than field errors (400) and 503 (document_outage): config.exceptions.
REFUSALS = {"404", "405", "406", "413", "415", "429"}


def document_refusals(result, generator, request, public) -> dict:
    """A refusal carries the national hotlines too (config.exceptions.with_hotlines)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Refusal"] = UNAVAILABLE
    for operations in result["paths"].values():
        for operation in operations.values():
            for code, response in operation["responses"].items():
                if code not in REFUSALS:
                    continue
                for media_type, content in response.get("content", {}).items():
                    if media_type != "application/json":
                        continue
                    content["schema"] = {"$ref": "#/components/schemas/Refusal"}
                    for example in content.get("examples", {}).values():
                        example["value"] = example["value"] | {"hotlines": national_hotlines()}
    return result


LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of the texts in the response, for clients that cannot set "
    "`Accept-Language`: `zh-hans` (default) or `en`. `Content-Language` says which was used.",
    "schema": {"type": "string", "enum": ["zh-hans", "en"]},
}


def document_lang(result, generator, request, public) -> dict:
    """Every API operation takes ``?lang=`` (config.middleware.LocaleMiddleware)."""
    for path, operations in result["paths"].items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == "lang" for p in parameters):
                # A copy each: a shared object would come out as YAML anchors and aliases.
                parameters.append(copy.deepcopy(LANG))
    return result


def blank_or_uri(result, generator, request, public) -> dict:
    """An optional link ("" or a URI) as anyOf, not oneOf.

    drf-spectacular writes it ``oneOf: [{format: uri}, {maxLength: 0}]``; a validator that does
    not check formats finds "" valid under both and rejects every article without a video, and
    so every mild result.
    """

    def visit(node):
        if isinstance(node, dict):
            choices = node.get("oneOf")
            if (
                isinstance(choices, list)
                and len(choices) == 2
                and any(c.get("format") == "uri" for c in choices)
                and any(c.get("maxLength") == 0 for c in choices)
            ):
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result

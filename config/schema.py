"""OpenAPI additions that no single view owns (drf-spectacular post-processing hooks)."""

from config.middleware import outage_body

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


def document_outage(result, generator, request, public):
    """Every operation may answer 503 with the national hotlines (config.middleware)."""
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

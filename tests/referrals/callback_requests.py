"""A call-back request on a submission, as the call-back tests send it."""

PHONE = "13912345678"


def ask(api, token, **body):
    return api.post(f"/api/v1/submissions/{token}/callback/", body, format="json")

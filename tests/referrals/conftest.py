import pytest


@pytest.fixture
def crisis_submission(api, demo_data):
    """The token of a PHQ-9 submission whose last answer (self-harm) makes it a crisis."""
    answers = {f"phq9_{i}": v for i, v in enumerate((0,) * 8 + (2,), 1)}
    response = api.post(
        "/api/v1/questionnaires/phq-9/submissions/", {"answers": answers}, format="json"
    )
    return response.json()["token"]

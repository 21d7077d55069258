import pytest
from django.contrib.auth.models import Group, User

from referrals import sms


@pytest.fixture
def crisis_submission(api, demo_data):
    """The token of a PHQ-9 submission whose last answer (self-harm) makes it a crisis."""
    answers = {f"phq9_{i}": v for i, v in enumerate((0,) * 8 + (2,), 1)}
    response = api.post(
        "/api/v1/questionnaires/phq-9/submissions/", {"answers": answers}, format="json"
    )
    return response.json()["token"]


@pytest.fixture
def worker(client, staff_groups):
    """A member of the crisis team, logged in to the admin."""
    user = User.objects.create_user("wang", is_staff=True)
    user.groups.add(Group.objects.get(name="Crisis team"))
    client.force_login(user)
    return user


@pytest.fixture
def empty_sms_outbox():
    """The memory SMS backend's outbox, empty before and after the test."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()

"""Crisis language in a call-back note (or the person's own words) puts the case first."""

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.utils import timezone

from referrals.models import ReferralCase

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("crisis_lexicon")]
PHONE = "13912345678"
SUBMIT = "/api/v1/questionnaires/phq-9/submissions/"


def crisis_submission(api, **extra):
    answers = {f"phq9_{i}": v for i, v in enumerate((0,) * 8 + (2,), 1)} | extra
    return api.post(SUBMIT, {"answers": answers}, format="json").json()["token"]


def ask(api, token, **body):
    body = {"phone": PHONE, "consent": True, **body}
    response = api.post(f"/api/v1/submissions/{token}/callback/", body, format="json")
    assert response.status_code in (200, 201), response.content  # 200: asked again
    return ReferralCase.objects.get(submission__token=token)


def test_a_note_with_crisis_language_moves_the_case_up_the_queue(api, demo_data):
    start = timezone.now()
    with time_machine.travel(start):
        waiting = ask(api, crisis_submission(api), note="请晚上打电话，白天在地里干活累死了")
    with time_machine.travel(start + timezone.timedelta(minutes=5)):
        urgent = ask(api, crisis_submission(api), note="农药已经准备好了")
    assert (waiting.crisis_language, urgent.crisis_language) == (False, True)
    assert list(ReferralCase.objects.queue()) == [urgent, waiting]


def test_asking_again_with_such_a_note_moves_it_up_too(api, demo_data):
    token = crisis_submission(api)
    assert not ask(api, token, note="").crisis_language
    assert ask(api, token, note="我不想活了").crisis_language


def test_own_words_on_the_self_test_move_the_case_up(api, demo_data):
    token = crisis_submission(api, phq9_more="活着没意思")
    assert ask(api, token).crisis_language


def test_the_crisis_team_sees_the_phrase_marked_in_the_note(api, client, demo_data):
    case = ask(api, crisis_submission(api, phq9_more="遗书写好了"), note="下午在家，想一了百了")
    user = User.objects.create_user("team", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Crisis team"))
    client.force_login(user)
    page = client.get(f"/admin/referrals/referralcase/{case.pk}/change/").content.decode()
    assert 'title="Wish to die">一了百了</mark>' in page or ">一了百了</mark>" in page
    assert ">遗书</mark>写好了" in page, "the answers show the person's own words marked"
    listing = client.get("/admin/referrals/referralcase/").content.decode()
    assert ">危机语言</strong>" in listing

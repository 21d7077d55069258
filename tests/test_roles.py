"""Staff roles: each group sees what its work needs and nothing else; logins resist brute force."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db
PHONE = "13912345678"

SCREENING = [
    "/admin/screening/questionnaire/",
    "/admin/screening/questionnaireversion/",
    "/admin/screening/channel/",
]
CONTENT = ["/admin/content/article/", "/admin/content/livestream/", "/admin/content/experthours/"]
CASES = ["/admin/referrals/referralcase/"]
SUBMISSIONS = ["/admin/screening/submission/"]
HOTLINES_EDIT = ["/admin/referrals/hotline/add/"]

ALLOWED = {
    "Clinician": SCREENING + CONTENT + SUBMISSIONS + HOTLINES_EDIT,
    "Crisis team": CASES + SUBMISSIONS,
    "Content editor": CONTENT,
    None: [],
}
EVERYTHING = SCREENING + CONTENT + CASES + SUBMISSIONS + HOTLINES_EDIT


@pytest.fixture
def case(demo_data):
    version = QuestionnaireVersion.objects.current_for("phq-9")
    submission = Submission.create_from_answers(
        version=version, answers={f"phq9_{i}": 1 for i in range(1, 10)}, language="zh-hans"
    )
    return ReferralCase.objects.create(
        submission=submission, phone=PHONE, consent_at=timezone.now()
    )


def login(client, group):
    user = User.objects.create_user(f"user-{group}", password="x", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.mark.parametrize("group", list(ALLOWED), ids=lambda g: g or "no group")
def test_each_role_reaches_exactly_its_pages(client, case, group):
    login(client, group)
    for url in EVERYTHING:
        expected = 200 if url in ALLOWED[group] else 403
        assert client.get(url).status_code == expected, (group, url)


@pytest.mark.parametrize("group", ["Clinician", "Content editor", None])
def test_nobody_but_the_crisis_team_sees_phone_numbers(client, case, group):
    login(client, group)
    pages = [url for url in EVERYTHING if url in ALLOWED[group]] + ["/admin/"]
    pages.append(f"/admin/screening/submission/{case.submission.pk}/change/")
    for url in pages:
        assert PHONE not in client.get(url).content.decode(), url
        assert "5678" not in client.get(url).content.decode() or url.endswith("/add/"), url


def test_the_crisis_team_sees_the_linked_answers_on_the_case(client, case):
    login(client, "Crisis team")
    page = client.get(f"/admin/referrals/referralcase/{case.pk}/change/").content.decode()
    assert PHONE in page
    assert "phq9_9=1" in page


def test_clinicians_cannot_change_cases_or_submissions(client, case):
    login(client, "Clinician")
    response = client.post(f"/admin/referrals/referralcase/{case.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    response = client.post(f"/admin/screening/submission/{case.submission.pk}/change/", {})
    assert response.status_code == 403


def test_content_editors_cannot_touch_questionnaires(client, case):
    login(client, "Content editor")
    version = QuestionnaireVersion.objects.current_for("phq-9")
    draft_action = {"action": "make_draft", "_selected_action": [version.pk]}
    assert client.post("/admin/screening/questionnaireversion/", draft_action).status_code == 403
    assert QuestionnaireVersion.objects.count() == 2


def test_staff_login_locks_after_repeated_failures(client, db):
    User.objects.create_user("doctor", password="correct horse battery", is_staff=True)
    codes = [
        client.post(
            "/admin/login/", {"username": "doctor", "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    locked = client.post(
        "/admin/login/",
        {"username": "doctor", "password": "correct horse battery"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_staff_sessions_expire(settings, client, db):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    user = User.objects.create_user("doctor", password="correct horse battery", is_staff=True)
    client.force_login(user)
    client.get("/admin/")
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE

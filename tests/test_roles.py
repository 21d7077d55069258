"""Staff roles: each group sees what its work needs and nothing else; logins resist brute force."""

import io
import json

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from referrals.models import ReferralCase
from screening import interchange
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
STATISTICS = ["/admin/statistics/", "/admin/statistics/export.csv"]
HOTLINES_EDIT = ["/admin/referrals/hotline/add/"]

ALLOWED = {
    "Clinician": SCREENING + CONTENT + SUBMISSIONS + STATISTICS + HOTLINES_EDIT,
    "Crisis team": CASES,
    "Content editor": CONTENT,
    None: [],
}
EVERYTHING = SCREENING + CONTENT + CASES + SUBMISSIONS + STATISTICS + HOTLINES_EDIT
VERSIONS = "/admin/screening/questionnaireversion/"


@pytest.fixture
def case(demo_data):
    version = QuestionnaireVersion.objects.current_for("phq-9")
    submission = Submission.create_from_answers(
        version=version, answers={f"phq9_{i}": 1 for i in range(1, 10)}, language="zh-hans"
    )
    return ReferralCase.objects.create(
        submission=submission, phone=PHONE, consent_at=timezone.now()
    )


def login(client, group, name=None):
    user = User.objects.create_user(name or f"user-{group}", password="x", is_staff=True)
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


@pytest.mark.parametrize(
    "lookup",
    [
        "token__startswith",
        "token",
        "token__regex",
        "token__gt",
        # Through the results a step-up links.
        "follows__token__startswith",
        "followed_by__token__startswith",
    ],
)
def test_the_submissions_list_cannot_be_filtered_by_token(client, case, lookup):
    # Else a clinician could read anyone's secret token one character at a time.
    login(client, "Clinician")
    token = case.submission.token
    value = token if lookup == "token" else token[0]
    response = client.get(SUBMISSIONS[0], {lookup: value})
    assert response.status_code == 400
    assert token not in response.content.decode()
    assert client.get(SUBMISSIONS[0], {"tier": "severe"}).status_code == 200, "real filters work"


@pytest.mark.parametrize("group", ["Clinician", "Crisis team", "Content editor", None])
def test_no_staff_login_is_led_to_a_result_by_its_token(client, case, group):
    # The admin's "view on site" address redirects any staff login to an object's own page.
    login(client, group)
    submission = case.submission
    kind = ContentType.objects.get_for_model(Submission)
    shortcut = client.get(f"/admin/r/{kind.pk}/{submission.pk}/")
    assert shortcut.status_code == 404
    assert submission.token not in shortcut.get("Location", "")
    if group == "Clinician":
        page = client.get(f"/admin/screening/submission/{submission.pk}/change/")
        assert page.status_code == 200
        assert f"/admin/r/{kind.pk}/" not in page.content.decode()
        assert submission.token not in page.content.decode()


def test_cases_are_filtered_by_phone_only_by_those_who_see_numbers(client, case):
    # A role that may view cases but not numbers must not learn who has a case by number.
    user = login(client, None, "case-viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_referralcase"))
    assert client.get(CASES[0]).status_code == 200
    assert client.get(CASES[0], {"phone__startswith": PHONE[:3]}).status_code == 400
    assert client.get(CASES[0], {"status": "new"}).status_code == 200
    login(client, "Crisis team")
    page = client.get(CASES[0], {"phone": PHONE})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1


def test_the_crisis_team_sees_the_linked_submission_on_the_case(client, case):
    login(client, "Crisis team")
    page = client.get(
        f"/admin/referrals/referralcase/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert PHONE in page
    submission = case.submission
    assert "PHQ-9 depression screen (v1)" in page
    assert f"{submission.total_score} / {submission.max_score}" in page
    assert submission.band.label_en in page
    assert "Severe: crisis referral" in page, "the tier"
    assert '<div class="readonly"><strong class="errornote">crisis</strong>' in page
    assert submission.short_token in page
    for question in submission.version.questions.filter(scored=True).exclude(code="phq9_9"):
        assert f"<td>{question.text_en}</td><td><strong>Several days (1)</strong>" in page
    # Item 9 fired the crisis rule: it stands out.
    assert "<mark><strong>Several days (1)</strong> ⚠ fired a rule</mark>" in page
    assert "<strong>—</strong>" in page, "the unanswered difficulty question"
    assert 'name="questionnaire"' not in page, "shown, not editable"


def test_the_case_can_be_assigned_to_crisis_team_members_only(client, case):
    member = login(client, "Crisis team")
    User.objects.create_user("doctor", is_staff=True).groups.add(
        Group.objects.get(name="Clinician")
    )
    User.objects.create_superuser("root")
    left = User.objects.create_user("left-the-team", is_staff=True)
    ReferralCase.objects.filter(pk=case.pk).update(assignee=left)
    page = client.get(f"/admin/referrals/referralcase/{case.pk}/change/")
    offered = {label for _, label in page.context["adminform"].form.fields["assignee"].choices}
    assert offered == {"---------", member.username, "root", "left-the-team"}, "and the current"
    response = client.post(
        f"/admin/referrals/referralcase/{case.pk}/change/",
        {
            "status": "contacted",
            "assignee": User.objects.get(username="doctor").pk,
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200, "a clinician cannot be assigned"
    assert ReferralCase.objects.get(pk=case.pk).status == "new"


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
    assert not QuestionnaireVersion.objects.filter(published_at__isnull=True).exists()


def log_in(client, username, password, address):
    """A staff login attempt from ``address``; the response."""
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail_login(client, username, address):
    return log_in(client, username, "wrong", address).status_code


def test_staff_login_locks_after_repeated_failures(client, db):
    User.objects.create_user("doctor", password="correct horse battery", is_staff=True)
    codes = [fail_login(client, "doctor", "10.0.0.9") for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    locked = log_in(client, "doctor", "correct horse battery", "10.0.0.9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_staff_sessions_expire(settings, client, db):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    user = User.objects.create_user("doctor", password="correct horse battery", is_staff=True)
    client.force_login(user)
    client.get("/admin/")
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


# Questionnaire tools: preview, exports, import, new draft and publish are the clinicians'.


def version_tools(version) -> list[str]:
    return [
        f"{VERSIONS}{version.pk}/preview/",
        f"{VERSIONS}{version.pk}/export.json",
        f"{VERSIONS}{version.pk}/fhir.json",
        f"{VERSIONS}import/",
    ]


def upload(version):
    exported = io.BytesIO(json.dumps(interchange.export_version(version)).encode())
    exported.name = "phq-9.json"
    return {"file": exported}


def action(client, name, version):
    return client.post(VERSIONS, {"action": name, "_selected_action": [version.pk]})


def test_clinicians_use_every_questionnaire_tool(client, case):
    login(client, "Clinician")
    live = QuestionnaireVersion.objects.current_for("phq-9")
    for url in version_tools(live):
        assert client.get(url).status_code == 200, url
    assert client.post(f"{VERSIONS}import/", upload(live)).status_code == 302
    assert action(client, "make_draft", live).status_code == 302
    draft = QuestionnaireVersion.objects.filter(questionnaire__slug="phq-9").latest("number")
    assert (draft.number, draft.is_published) == (3, False)
    confirm = action(client, "publish", draft)
    assert confirm["Location"] == f"{VERSIONS}{draft.pk}/publish/"
    assert client.get(confirm["Location"]).status_code == 200
    assert client.post(confirm["Location"]).status_code == 302
    assert QuestionnaireVersion.objects.current_for("phq-9") == draft


@pytest.mark.parametrize("group", ["Content editor", "Crisis team", None])
def test_other_staff_cannot_use_the_questionnaire_tools(client, case, group):
    login(client, group)
    live = QuestionnaireVersion.objects.current_for("phq-9")
    draft = live.new_draft()
    for url in version_tools(live):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{VERSIONS}import/", upload(live)).status_code == 403
    assert action(client, "make_draft", live).status_code == 403
    assert action(client, "publish", draft).status_code == 403
    assert client.get(f"{VERSIONS}{draft.pk}/publish/").status_code == 403
    assert client.post(f"{VERSIONS}{draft.pk}/publish/").status_code == 403
    assert QuestionnaireVersion.objects.filter(questionnaire__slug="phq-9").count() == 2
    assert QuestionnaireVersion.objects.current_for("phq-9") == live


def test_clinicians_cannot_open_a_case_history(client, case):
    crisis = login(client, "Crisis team", "crisis")
    response = client.post(
        f"/admin/referrals/referralcase/{case.pk}/change/",
        {
            "status": "contacted",
            "assignee": crisis.pk,
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-0-text": f"Called {PHONE}, will call again",
        },
    )
    assert response.status_code == 302
    history = f"/admin/referrals/referralcase/{case.pk}/history/"
    assert client.get(history).status_code == 200
    login(client, "Clinician")
    response = client.get(history)
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert "5678" not in response.content.decode()


# Brute force


def test_a_user_name_locks_after_failures_from_many_addresses(client, db):
    User.objects.create_user("doctor", password="correct horse battery", is_staff=True)
    codes = [fail_login(client, "doctor", f"10.0.0.{i}") for i in range(1, 6)]
    assert codes == [200, 200, 200, 200, 429]
    locked = log_in(client, "doctor", "correct horse battery", "10.0.0.99")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    call_command("axes_reset_username", "doctor", stdout=io.StringIO())
    unlocked = log_in(client, "doctor", "correct horse battery", "10.0.0.99")
    assert unlocked.status_code == 302


def test_an_address_locks_after_failures_for_many_user_names(client, db):
    User.objects.create_user("doctor", password="correct horse battery", is_staff=True)
    codes = [fail_login(client, f"guess-{i}", "10.0.0.9") for i in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    locked = log_in(client, "doctor", "correct horse battery", "10.0.0.9")
    assert locked.status_code == 429


def test_the_lockout_page_is_in_chinese_and_says_how_to_unlock(client, db):
    codes = [fail_login(client, "doctor", "10.0.0.9") for _ in range(5)]
    assert codes[-1] == 429
    page = log_in(client, "doctor", "wrong", "10.0.0.9").content.decode()
    assert "登录失败次数过多" in page
    assert "axes_reset_username" in page and "axes_reset_ip" in page


def test_behind_a_load_balancer_one_clients_failures_lock_out_no_one_else(client, db, settings):
    # Every request reaches the app from the balancer's address; the client's is forwarded.
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    User.objects.create_user("doctor", password="correct horse battery", is_staff=True)
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    for i in range(5):
        client.post(
            "/admin/login/",
            {"username": f"guess-{i}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",
            **balancer,
        )
    colleague = client.post(
        "/admin/login/",
        {"username": "doctor", "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **balancer,
    )
    assert colleague.status_code == 302
    attacker = client.post(
        "/admin/login/",
        {"username": "doctor", "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="203.0.113.66",
        **balancer,
    )
    assert attacker.status_code == 429
    call_command("axes_reset_ip", "203.0.113.66", stdout=io.StringIO())
    client.logout()
    assert log_in(client, "doctor", "correct horse battery", "10.0.0.2").status_code == 302


@pytest.mark.parametrize("forwarded", ["203.0.113.66:51234", "unknown", "<script>"])
def test_a_forwarded_for_that_is_no_address_does_not_break_staff_logins(
    client, db, settings, forwarded
):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    User.objects.create_user("doctor", password="correct horse battery", is_staff=True)
    login = {"username": "doctor", "password": "wrong"}
    assert client.post("/admin/login/", login, HTTP_X_FORWARDED_FOR=forwarded).status_code == 200
    right = login | {"password": "correct horse battery"}
    assert client.post("/admin/login/", right, HTTP_X_FORWARDED_FOR=forwarded).status_code == 302


# Outside a transaction: SQLite cannot run migrations inside one.
@pytest.mark.django_db(transaction=True)
def test_migration_0003_takes_the_submissions_list_from_an_existing_crisis_team(staff_groups):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("referrals")
    crisis_team = Group.objects.get(name="Crisis team")
    can_view = crisis_team.permissions.filter(codename="view_submission")
    try:
        executor.migrate([("referrals", "0002_staff_groups")])
        assert can_view.exists(), "reversing 0003 gives it back, as 0002 granted it before"
        executor.loader.build_graph()
        executor.migrate([("referrals", "0003_crisis_team_without_submissions")])
        assert not can_view.exists()
        assert crisis_team.permissions.filter(codename="view_phone").exists()
    finally:
        # Later migrations back, for the tests that follow.
        executor.loader.build_graph()
        executor.migrate(latest)


@pytest.mark.parametrize("lookup", ["cases__isnull", "cases"])
def test_the_submissions_list_cannot_be_filtered_by_call_back_cases(client, case, lookup):
    # Who asked to be called back is the crisis team's to know, not the clinicians'.
    login(client, "Clinician")
    value = {"cases__isnull": "False", "cases": str(case.pk)}[lookup]
    assert client.get(SUBMISSIONS[0], {lookup: value}).status_code == 400

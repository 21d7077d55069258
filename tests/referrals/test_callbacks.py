"""Call-back requests: explicit consent, a valid number, one open case, never echoed or logged."""

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import timezone

from referrals.alerts import webhook_refusal
from referrals.callbacks import normalise_phone
from referrals.models import Alert, ReferralCase
from tests.referrals.workers import run_worker

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def crisis_submission(api, demo_data):
    answers = {f"phq9_{i}": v for i, v in enumerate((0,) * 8 + (2,), 1)}
    response = api.post(
        "/api/v1/questionnaires/phq-9/submissions/", {"answers": answers}, format="json"
    )
    return response.json()["token"]


def ask(api, token, **body):
    return api.post(f"/api/v1/submissions/{token}/callback/", body, format="json")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("010-82951332", "01082951332"),
        ("(0932) 1234567", "09321234567"),
        ("１３９１２３４５６７８", "13912345678"),
        ("（０１０）８２９５１３３２", "01082951332"),
        ("+86 10 8295 1332", "01082951332"),
        ("139——1234——5678", "13912345678"),
        ("139–1234–5678", "13912345678"),
        ("139.1234.5678", "13912345678"),
        ("139·1234·5678", "13912345678"),
        ("139/1234/5678", None),
        ("0931-4638908/9", None),
        ("1391234567/8", None),
        ("0931 4638908.0", None),
        ("13912345678.0", None),
        ("8613912345678", "13912345678"),
        ("86 139 1234 5678", "13912345678"),
        ("０９３１—４６３８９０８", "09314638908"),
        ("86 10 8295 1332", "01082951332"),
        ("86 8295 1332", None),
        ("139_1234_5678", None),
        ("+86 1391234567", None),
        ("01391234567", None),
        ("١٣٩١٢٣٤٥٦٧٨", None),
        ("12345", None),
        ("23912345678", None),
        ("1391234567", None),
        ("139123456789", None),
        ("12912345678", None),
        ("call me", None),
        ("", None),
        # Issued ranges and lengths, as libphonenumber knows them: 140 is no mobile range, 0300
        # no area code, and Beijing and Shanghai numbers have 8 digits.
        ("14012345678", None),
        ("03001234567", None),
        ("010-1234567", None),
        ("021 1234567", None),
        ("021 12345678", "02112345678"),
        ("0755-12345678", "075512345678"),
        ("19912345678", "19912345678"),
        ("400-161-9995", None),
        ("+1 650 253 0000", None),
        ("+86 010 8295 1332", "01082951332"),
    ],
)
def test_only_mainland_numbers_are_accepted(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("consent", [False, None, "yes", "true", 1])
def test_without_explicit_consent_it_is_400_and_nothing_is_stored(api, crisis_submission, consent):
    response = ask(api, crisis_submission, phone=PHONE, consent=consent)
    assert response.status_code == 400
    assert "consent" in response.json()
    assert PHONE not in response.content.decode()
    assert ReferralCase.objects.count() == 0


def test_missing_consent_is_400_naming_it(api, crisis_submission):
    response = ask(api, crisis_submission, phone=PHONE)
    assert response.status_code == 400
    assert "consent" in response.json()


@pytest.mark.parametrize("phone", ["12345", "2391234567", "not a phone", "", None])
def test_a_bad_number_is_400_naming_the_phone(api, crisis_submission, phone):
    response = ask(api, crisis_submission, phone=phone, consent=True)
    assert response.status_code == 400
    assert "phone" in response.json()
    assert ReferralCase.objects.count() == 0


def test_a_deeply_nested_body_is_400_and_opens_no_case(api, crisis_submission):
    response = api.post(
        f"/api/v1/submissions/{crisis_submission}/callback/",
        b"[" * 10_000 + b"]" * 10_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON 内容嵌套层次太深。"
    assert ReferralCase.objects.count() == 0


def test_unknown_submission_is_404_in_the_apis_words(api, demo_data):
    response = ask(api, "no-such-token", phone=PHONE, consent=True)
    assert response.status_code == 404
    assert response.json()["detail"] == "找不到这份结果。"
    assert response.json()["hotlines"][0]["number"] == "12356"


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_a_request_opens_a_case_and_notifies_the_team_without_the_number(
    api, crisis_submission, caplog
):
    caplog.set_level(logging.DEBUG)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")  # the person reads English; the team Chinese
    response = ask(
        api,
        crisis_submission,
        phone="139 1234 5678",
        consent=True,
        preferred_time="晚上",
        note="想找人聊聊",
    )
    assert response.status_code == 201
    assert mail.outbox == [], "the workers tell the team, not the request"
    assert run_worker() == []
    assert response.json()["status"] == "new"
    assert response.json()["created"] is True
    assert "5678" not in response.content.decode()

    case = ReferralCase.objects.get()
    assert case.phone == PHONE
    assert case.submission.token == crisis_submission
    assert case.preferred_time == "晚上"
    assert case.notified_at is not None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["crisis@example.org"]
    assert message.subject == f"[callback] 个案 {case.pk}：phq-9，重度：危机转介 CRISIS"
    assert "请在30分钟内首次联系。" in message.body, "the team's language, not the person's"
    assert f"/admin/referrals/referralcase/{case.pk}/change/" in message.body
    assert PHONE not in message.subject + message.body
    assert PHONE not in caplog.text and "1234 5678" not in caplog.text


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_a_repeat_request_updates_the_open_case_and_keeps_what_was_said_before(
    api, crisis_submission
):
    first = ask(
        api, crisis_submission, phone=PHONE, consent=True, preferred_time="晚上", note="想聊聊"
    )
    assert first.status_code == 201
    # Only a new number: the earlier time and note stay.
    again = ask(api, crisis_submission, phone="13800138000", consent=True)
    assert run_worker() == []
    assert again.status_code == 200
    assert again.json() == first.json() | {"created": False}
    case = ReferralCase.objects.get()
    assert (case.phone, case.preferred_time, case.note) == ("13800138000", "晚上", "想聊聊")
    assert case.notes.get().text == "此人再次请求回电。\n此人留了另一个电话号码（见上方）。"
    assert len(mail.outbox) == 1, "a case the team has not called yet is not announced twice"
    assert case.requested_at - case.created_at < timedelta(seconds=1), "keeps its queue place"

    # A new time and note replace the old ones, which the case's notes keep.
    ask(api, crisis_submission, phone="13800138000", consent=True, preferred_time="上午", note="急")
    case.refresh_from_db()
    assert (case.preferred_time, case.note) == ("上午", "急")
    assert case.notes.last().text == (
        "此人再次请求回电。\n之前希望的回电时间：晚上\n之前的留言：想聊聊"
    )
    assert all(
        "13800138000" not in note.text and PHONE not in note.text for note in case.notes.all()
    )


@override_settings(CRISIS_TEAM_EMAILS=["crisis@example.org"])
def test_asking_again_after_being_contacted_makes_the_case_new_and_tells_the_team(
    api, crisis_submission
):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    assert run_worker() == []
    case = ReferralCase.objects.get()
    case.status = ReferralCase.Status.CONTACTED
    case.save()
    first_told = case.notified_at
    again = ask(api, crisis_submission, phone=PHONE, consent=True)
    assert run_worker() == []
    assert again.status_code == 200
    assert again.json()["status"] == "new"
    case.refresh_from_db()
    assert case.status == ReferralCase.Status.NEW
    assert case.first_contact_at is not None, "the first contact stays on record"
    assert len(mail.outbox) == 2
    assert case.notified_at > first_told
    assert "此人曾被联系过，个案已改回待处理。" in case.notes.get().text
    # The team has 30 minutes from this request, not from the case's opening.
    assert case.requested_at > case.created_at
    assert not case.is_overdue()
    assert case.is_overdue(now=case.requested_at + timedelta(minutes=31))
    assert list(ReferralCase.objects.overdue(now=case.requested_at + timedelta(minutes=29))) == []


def test_after_a_case_is_closed_a_new_request_opens_a_new_one(api, crisis_submission):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    case = ReferralCase.objects.get()
    case.status = ReferralCase.Status.CLOSED
    case.save()
    assert ask(api, crisis_submission, phone=PHONE, consent=True).status_code == 201
    assert ReferralCase.objects.count() == 2


class _Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        _Recorder.received.append(self.rfile.read(length))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def webhook_payload(api, token, **settings) -> bytes:
    """What the webhook receives when a call-back is asked for on ``token``."""
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    _Recorder.received.clear()
    with override_settings(CRISIS_WEBHOOK_URL=url, **settings):
        assert ask(api, token, phone=PHONE, consent=True).status_code == 201
        assert run_worker() == []
    thread.join(timeout=5)
    server.server_close()
    assert len(_Recorder.received) == 1
    return _Recorder.received[0]


def test_the_webhook_receives_the_case_without_the_number(api, crisis_submission):
    received = webhook_payload(api, crisis_submission)
    payload = json.loads(received)
    assert payload["crisis"] is True
    assert payload["case"] == ReferralCase.objects.get().pk
    assert PHONE not in received.decode()
    assert ReferralCase.objects.get().notified_at is not None


def test_a_group_bot_webhook_receives_a_text_message_without_the_number(api, crisis_submission):
    received = webhook_payload(api, crisis_submission, CRISIS_WEBHOOK_FORMAT="text")
    payload = json.loads(received)
    case = ReferralCase.objects.get()
    assert payload["msgtype"] == "text"
    content = payload["text"]["content"]
    assert content.startswith(f"[callback] 个案 {case.pk}：phq-9") and "CRISIS" in content
    assert f"/admin/referrals/referralcase/{case.pk}/change/" in content
    assert PHONE not in received.decode() and "5678" not in content
    assert case.notified_at is not None


class _RefusingBot(BaseHTTPRequestHandler):
    """Answers as a WeCom group bot does with a wrong key: 200, and an errcode."""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"errcode": 93000, "errmsg": "invalid webhook url"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_bot_webhook_that_answers_with_an_errcode_has_not_told_the_team(
    api, crisis_submission, caplog
):
    server = HTTPServer(("127.0.0.1", 0), _RefusingBot)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    with override_settings(CRISIS_WEBHOOK_URL=url):
        assert ask(api, crisis_submission, phone=PHONE, consent=True).status_code == 201
        assert run_worker() == []
    thread.join(timeout=5)
    server.server_close()
    case = ReferralCase.objects.get()
    assert case.notified_at is None
    alert = case.alerts.get()
    assert (alert.status, alert.attempts, alert.error) == ("pending", 1, "webhook: errcode 93000")
    assert "refused case" in caplog.text and "93000" in caplog.text


@pytest.mark.parametrize(
    "answer, refusal",
    [
        (b'{"errcode": 0, "errmsg": "ok"}', None),
        (b'{"errcode": 310000, "errmsg": "keywords not in content"}', 310000),
        (b"", None),
        (b"ok", None),
        (b'{"code": 0}', None),
        (b"[1, 2]", None),
    ],
)
def test_webhook_answers_are_read_for_a_bots_refusal(answer, refusal):
    assert webhook_refusal(answer) == refusal


def test_a_failed_notification_never_loses_the_case(api, crisis_submission, caplog):
    with socket_closed_port() as port:
        settings = {
            "CRISIS_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
            "CRISIS_TEAM_EMAILS": ["crisis@example.org"],
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_PORT": port,
        }
        with override_settings(**settings):
            response = ask(api, crisis_submission, phone=PHONE, consent=True)
            assert run_worker() == []
    assert response.status_code == 201
    case = ReferralCase.objects.get()
    assert case.notified_at is None
    assert {(a.channel, a.status, a.attempts) for a in case.alerts.all()} == {
        ("email", "pending", 1),
        ("webhook", "pending", 1),
    }, "each tried once, and tried again later"
    assert "crisis team email failed" in caplog.text
    assert PHONE not in caplog.text


def test_a_notification_that_breaks_still_answers_the_person(api, crisis_submission, caplog):
    # A misconfigured deployment (no SITE_URL) breaks the message itself: the person still hears
    # their request was received, and the alert is tried again later.
    broken = override_settings(SITE_URL=None, CRISIS_TEAM_EMAILS=["crisis@example.org"])
    with broken:
        response = ask(api, crisis_submission, phone=PHONE, consent=True)
        assert run_worker() == []
    assert response.status_code == 201
    assert ReferralCase.objects.get().notified_at is None
    assert Alert.objects.get().error == "error"
    assert mail.outbox == []
    assert PHONE not in caplog.text


class socket_closed_port:
    """A local port with nothing listening on it."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def __exit__(self, *exc):
        return False


@pytest.fixture
def staff(db):
    def make(name, group=None):
        user = User.objects.create_user(name, password="pw-" + name, is_staff=True)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


def test_only_the_crisis_team_sees_cases_and_numbers(client, api, crisis_submission, staff):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    case = ReferralCase.objects.get()
    change_url = f"/admin/referrals/referralcase/{case.pk}/change/"

    client.force_login(staff("crisis", "Crisis team"))
    listing = client.get("/admin/referrals/referralcase/")
    assert listing.status_code == 200
    assert "139****5678" in listing.content.decode()
    assert PHONE not in listing.content.decode(), "lists show the number masked"
    page = client.get(change_url)
    assert page.status_code == 200
    assert PHONE in page.content.decode()

    for name, group in [("doctor", "Clinician"), ("editor", "Content editor"), ("nobody", None)]:
        client.force_login(staff(name, group))
        assert client.get("/admin/referrals/referralcase/").status_code == 403
        assert client.get(change_url).status_code == 403
        assert PHONE not in client.get("/admin/").content.decode()


def test_the_crisis_team_records_first_contact_and_notes(client, api, crisis_submission, staff):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    case = ReferralCase.objects.get()
    member = staff("crisis", "Crisis team")
    client.force_login(member)
    response = client.post(
        f"/admin/referrals/referralcase/{case.pk}/change/",
        {
            "status": "contacted",
            "assignee": member.pk,
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-0-text": "已回电，情况稳定，约好明天再联系。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == "contacted"
    assert case.first_contact_at is not None
    assert case.time_to_first_contact is not None
    assert case.notes.get().author == member


def test_a_case_that_changed_while_open_in_admin_is_not_saved_over(
    client, api, crisis_submission, staff
):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    case = ReferralCase.objects.get()
    ReferralCase.objects.filter(pk=case.pk).update(status="contacted")
    client.force_login(staff("crisis", "Crisis team"))
    url = f"/admin/referrals/referralcase/{case.pk}/change/"
    form = client.get(url).context["adminform"].form
    seen = form["seen"].value()
    assert seen
    # Meanwhile the person asks again: the case is new again.
    ask(api, crisis_submission, phone=PHONE, consent=True, note="还是很难受")
    closing = {
        "status": "closed",
        "seen": seen,
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
    }
    refused = client.post(url, closing)
    assert refused.status_code == 200
    assert "此个案在您打开后有了变化" in refused.content.decode()
    assert ReferralCase.objects.get().status == "new"
    fresh = client.get(url).context["adminform"].form["seen"].value()
    assert client.post(url, closing | {"seen": fresh}).status_code == 302
    assert ReferralCase.objects.get().status == "closed"


def test_cases_not_contacted_within_30_minutes_are_overdue_and_lead_the_queue(
    api, crisis_submission
):
    from datetime import timedelta

    from django.utils import timezone

    from screening.models import Submission

    ask(api, crisis_submission, phone=PHONE, consent=True)
    fresh = ReferralCase.objects.get()
    other = Submission.create_from_answers(
        version=fresh.submission.version, answers=fresh.submission.answers, language="zh-hans"
    )
    old = ReferralCase.objects.create(
        submission=other,
        phone=PHONE,
        consent_at=timezone.now(),
        status=ReferralCase.Status.CONTACTED,
    )
    older = ReferralCase.objects.create(
        submission=fresh.submission,
        phone=PHONE,
        consent_at=timezone.now(),
        status=ReferralCase.Status.CLOSED,
    )
    ReferralCase.objects.filter(pk=fresh.pk).update(
        created_at=timezone.now() - timedelta(minutes=31),
        requested_at=timezone.now() - timedelta(minutes=31),
    )
    fresh.refresh_from_db()
    assert fresh.is_overdue()
    assert list(ReferralCase.objects.overdue()) == [fresh]
    assert not old.is_overdue()
    assert list(ReferralCase.objects.queue()) == [fresh, old, older]
    assert older.closed_at is not None and older.first_contact_at is not None


def test_reopening_a_closed_case_beside_an_open_one_is_a_form_error(
    client, api, crisis_submission, staff
):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    closed = ReferralCase.objects.get()
    closed.status = ReferralCase.Status.CLOSED
    closed.save()
    ask(api, crisis_submission, phone=PHONE, consent=True)
    assert ReferralCase.objects.open().count() == 1
    client.force_login(staff("crisis", "Crisis team"))
    response = client.post(
        f"/admin/referrals/referralcase/{closed.pk}/change/",
        {"status": "new", "notes-TOTAL_FORMS": "0", "notes-INITIAL_FORMS": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "already has an open case" in response.content.decode()
    closed.refresh_from_db()
    assert closed.status == "closed"


# Outside a transaction: SQLite cannot run migrations inside one.
@pytest.mark.django_db(transaction=True)
def test_migration_0005_has_existing_cases_waiting_since_their_opening(api, crisis_submission):
    ask(api, crisis_submission, phone=PHONE, consent=True)
    opened = timezone.now() - timedelta(hours=2)
    ReferralCase.objects.update(created_at=opened)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("referrals")
    try:
        executor.migrate([("referrals", "0004_crisis_team_ways")])
        executor.loader.build_graph()
        executor.migrate([("referrals", "0005_case_waiting_since")])
        # The model as it was then: later columns are not there yet.
        state = executor.loader.project_state(("referrals", "0005_case_waiting_since"))
        case = state.apps.get_model("referrals", "ReferralCase").objects.get()
        assert case.requested_at == opened
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)

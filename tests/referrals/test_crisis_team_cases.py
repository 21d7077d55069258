"""The crisis team's cases in the admin: who sees them, first contact, edits, the queue."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from referrals.models import ReferralCase
from tests.referrals.callback_requests import PHONE, ask

pytestmark = pytest.mark.django_db


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

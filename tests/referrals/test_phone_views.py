"""Every display of a full call-back number is recorded, and only a supervisor reads the record."""

import pytest
from django.contrib.auth.models import Group, User

from referrals.callbacks import request_callback
from referrals.models import PhoneView
from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def case(questionnaires):
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    submission = Submission.create_from_answers(
        version=version, answers=answers, language="zh-hans"
    )
    return request_callback(submission=submission, phone=PHONE)[0]


def member(name, group):
    user = User.objects.create_user(name, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_each_display_of_the_number_records_who_when_and_which_case(client, case, staff_groups):
    wang = member("wang", "Crisis team")
    client.force_login(wang)
    page = f"/admin/referrals/referralcase/{case.pk}/change/"
    assert PHONE in client.get(page).content.decode()
    assert PHONE in client.get(page).content.decode()
    views = list(PhoneView.objects.all())
    assert [(v.case, v.viewer, v.viewer_name) for v in views] == [(case, wang, "wang")] * 2
    # The queue shows it masked: nothing to record.
    assert PHONE not in client.get("/admin/referrals/referralcase/").content.decode()
    assert PhoneView.objects.count() == 2


def test_showing_the_case_without_the_number_records_nothing(client, case, staff_groups):
    user = User.objects.create_user("li", is_staff=True)
    user.user_permissions.add(
        *Group.objects.get(name="Crisis team").permissions.exclude(codename="view_phone")
    )
    client.force_login(user)
    page = client.get(f"/admin/referrals/referralcase/{case.pk}/change/").content.decode()
    assert PHONE not in page
    assert PhoneView.objects.count() == 0


def test_only_the_supervisor_reads_the_record(client, case, staff_groups):
    client.force_login(member("wang", "Crisis team"))
    client.get(f"/admin/referrals/referralcase/{case.pk}/change/")
    assert client.get("/admin/referrals/phoneview/").status_code == 403
    client.force_login(member("zhao", "Crisis supervisor"))
    listing = client.get("/admin/referrals/phoneview/")
    assert listing.status_code == 200
    assert "wang" in listing.content.decode()
    view = PhoneView.objects.first()
    assert client.post(f"/admin/referrals/phoneview/{view.pk}/delete/").status_code == 403

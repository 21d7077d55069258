from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from referrals.models import ReferralCase
from screening.models import QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(questionnaires):
    version = QuestionnaireVersion.objects.current_for("phq-9")
    now = timezone.now()

    def case(status, closed_days_ago=None, created_days_ago=0):
        submission = Submission.create_from_answers(
            version=version, answers={f"phq9_{i}": 1 for i in range(1, 10)}, language="zh-hans"
        )
        Submission.objects.filter(pk=submission.pk).update(
            created_at=now - timedelta(days=created_days_ago)
        )
        row = ReferralCase.objects.create(
            submission=submission, phone="13912345678", consent_at=now, status=status
        )
        if closed_days_ago is not None:
            ReferralCase.objects.filter(pk=row.pk).update(
                closed_at=now - timedelta(days=closed_days_ago)
            )
        return row

    return {
        "old_closed": case("closed", closed_days_ago=31, created_days_ago=40),
        "old_unreachable": case("unreachable", closed_days_ago=45, created_days_ago=50),
        "recent_closed": case("closed", closed_days_ago=5, created_days_ago=6),
        "open_old": case("contacted", created_days_ago=400),
    }


def run(*args) -> str:
    out = StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def phone(row) -> str:
    return ReferralCase.objects.get(pk=row.pk).phone


def test_dry_run_counts_and_changes_nothing(cases):
    output = run("--dry-run")
    assert "would delete 2 phone number(s)" in output
    assert all(phone(row) == "13912345678" for row in cases.values())


def test_phone_numbers_of_cases_closed_over_30_days_ago_are_deleted(cases):
    output = run()
    assert "deleted 2 phone number(s)" in output
    assert phone(cases["old_closed"]) == ""
    assert phone(cases["old_unreachable"]) == ""
    assert phone(cases["recent_closed"]) == "13912345678"
    assert phone(cases["open_old"]) == "13912345678", "open cases keep their number"
    assert "deleted 0 phone number(s)" in run(), "running again is safe"


def test_old_submissions_are_anonymised_but_keep_their_scores(cases):
    old = cases["old_closed"].submission
    output = run("--anonymise-days", "30")
    assert "anonymised 2 submission(s)" in output
    anonymised = Submission.objects.get(pk=old.pk)
    assert anonymised.answers == {}
    assert anonymised.token != old.token
    assert (anonymised.total_score, anonymised.tier) == (old.total_score, old.tier)
    assert Submission.objects.get(pk=cases["recent_closed"].submission.pk).answers != {}
    assert Submission.objects.get(pk=cases["open_old"].submission.pk).answers != {}

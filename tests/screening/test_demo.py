"""The demo's staff login and made-up submissions, and their refusal outside a demo."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from referrals.models import ReferralCase
from screening.models import Submission

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, "--any-database", stdout=out)
    return out.getvalue()


def test_demo_login_prints_a_new_password_that_logs_in_as_a_superuser(settings):
    settings.DEBUG = True
    first = re.search(r"user (\w+), password (\S+)", run("demo_login"))
    second = re.search(r"user (\w+), password (\S+)", run("demo_login"))
    assert first[1] == second[1] == "demo"
    assert first[2] != second[2]
    user = User.objects.get(username="demo")
    assert not user.check_password(first[2])
    assert user.check_password(second[2])
    assert user.is_staff and user.is_superuser and user.is_active


def test_demo_submissions_fill_the_statistics_scored_by_the_real_scoring(settings, demo_data):
    settings.DEBUG = True
    assert "Added 600" in run("demo_submissions", "--count", "600", "--seed", "3")
    submissions = list(Submission.objects.select_related("version", "channel"))
    assert len(submissions) == 600
    for submission in submissions[:100]:
        result = submission.rescore()
        assert (result.total, result.tier, result.crisis) == (
            submission.total_score,
            submission.tier,
            submission.crisis,
        )
        assert submission.band.code == result.band_code
    assert len({s.channel.region for s in submissions if s.channel}) >= 5
    assert {s.tier for s in submissions} == {"mild", "moderate", "severe"}
    weeks = {s.created_at.isocalendar()[:2] for s in submissions}
    assert len(weeks) >= 10
    crisis = [s for s in submissions if s.crisis]
    assert 0 < len(crisis) < 30
    assert ReferralCase.objects.count() == len(crisis)


def test_demo_submissions_add_nothing_to_a_demo_that_has_some_unless_asked(settings, demo_data):
    settings.DEBUG = True
    run("demo_submissions", "--count", "50")
    assert "none added" in run("demo_submissions", "--count", "50")
    run("demo_submissions", "--count", "50", "--again")
    assert Submission.objects.count() == 100


@pytest.mark.parametrize("command", ["demo_login", "demo_submissions"])
def test_the_demo_commands_refuse_a_production_database(settings, demo_data, command):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        run(command)
    assert not Submission.objects.exists()
    assert not ReferralCase.objects.exists()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the demo's own database is SQLite")
@pytest.mark.parametrize("command", ["demo_login", "demo_submissions"])
def test_the_demo_commands_ask_before_using_a_database_other_than_sqlite(settings, command):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--any-database"):
        call_command(command)

import re
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from config.national import CHINA_TIME
from referrals.models import CaseNote, ReferralCase
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
            submission=submission,
            phone="13912345678",
            consent_at=now,
            status=status,
            preferred_time="晚上七点以后",
            note="我叫王芳，住在三组",
        )
        CaseNote.objects.create(case=row, text="已回电，王芳说家里人在身边")
        if closed_days_ago is not None:
            ReferralCase.objects.filter(pk=row.pk).update(
                closed_at=now - timedelta(days=closed_days_ago)
            )
        return row

    return {
        "old_closed": case("closed", closed_days_ago=31, created_days_ago=40),
        "old_unreachable": case("unreachable", closed_days_ago=45, created_days_ago=50),
        "recent_closed": case("closed", closed_days_ago=5, created_days_ago=6),
        "old_recently_closed": case("closed", closed_days_ago=5, created_days_ago=60),
        "open_old": case("contacted", created_days_ago=400),
    }


def run(*args) -> str:
    out = StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def phone(row) -> str:
    return ReferralCase.objects.get(pk=row.pk).phone


def personal_data() -> list[tuple]:
    """Everything retention may remove, to compare before and after."""
    return [
        *ReferralCase.objects.order_by("pk").values_list("phone", "note", "preferred_time"),
        *CaseNote.objects.order_by("pk").values_list("text"),
        *Submission.objects.order_by("pk").values_list("token", "answers"),
    ]


def test_dry_run_counts_and_changes_nothing(cases):
    before = personal_data()
    output = run("--dry-run")
    assert "would delete 2 phone number(s)" in output
    assert "would anonymise 0 submission(s) (anonymising is off)" in output
    assert personal_data() == before


def test_phone_numbers_of_cases_closed_over_30_days_ago_are_deleted(cases):
    output = run()
    assert "deleted 2 phone number(s)" in output
    assert phone(cases["old_closed"]) == ""
    assert phone(cases["old_unreachable"]) == ""
    assert phone(cases["recent_closed"]) == "13912345678"
    assert phone(cases["open_old"]) == "13912345678", "open cases keep their number"
    assert "deleted 0 phone number(s)" in run(), "running again is safe"


def test_old_submissions_are_anonymised_but_keep_their_scores(cases):
    old = Submission.objects.get(pk=cases["old_closed"].submission.pk)
    output = run("--anonymise-days", "30")
    assert "anonymised 3 submission(s)" in output
    anonymised = Submission.objects.get(pk=old.pk)
    assert anonymised.answers == {}
    assert anonymised.token != old.token
    assert (anonymised.total_score, anonymised.tier) == (old.total_score, old.tier)
    assert anonymised.crisis == old.crisis and anonymised.triggered_rules == []
    # Only the day is kept (a Shanghai day, as the statistics count them).
    day = timezone.localtime(old.created_at, CHINA_TIME)
    assert timezone.localtime(anonymised.created_at, CHINA_TIME) == day.replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    assert Submission.objects.get(pk=cases["recent_closed"].submission.pk).answers != {}
    assert Submission.objects.get(pk=cases["open_old"].submission.pk).answers != {}


def test_anonymising_clears_the_persons_words_and_numbers_on_their_cases(cases):
    output = run("--anonymise-days", "30")
    assert "deleted 3 phone number(s)" in output, "one closed only 5 days ago, but anonymised"
    assert "anonymised 3 submission(s) older than 30 days" in output
    assert "cleared the person's note and preferred time on 3 case(s)" in output
    assert "deleted 3 case note(s)" in output
    for name in ("old_closed", "old_unreachable", "old_recently_closed"):
        row = ReferralCase.objects.get(pk=cases[name].pk)
        assert (row.phone, row.note, row.preferred_time) == ("", "", ""), name
        assert not row.notes.exists(), name
        assert row.status == cases[name].status and row.closed_at is not None, "kept for statistics"
    for name in ("recent_closed", "open_old"):
        row = ReferralCase.objects.get(pk=cases[name].pk)
        assert (row.phone, row.note) == ("13912345678", "我叫王芳，住在三组"), name
        assert row.notes.count() == 1, name


def test_dry_run_with_anonymising_reports_the_same_counts_and_changes_nothing(cases):
    before = personal_data()
    dry = run("--dry-run", "--anonymise-days", "30")
    assert personal_data() == before
    real = run("--anonymise-days", "30")
    assert re.findall(r"\d+", dry) == re.findall(r"\d+", real)
    assert "would delete 3 phone number(s)" in dry
    assert "would anonymise 3 submission(s)" in dry
    assert "would clear the person's note and preferred time on 3 case(s)" in dry
    assert "would delete 3 case note(s)" in dry


def test_running_daily_changes_nothing_more(cases):
    run("--anonymise-days", "30")
    after = personal_data()
    again = run("--anonymise-days", "30")
    assert personal_data() == after
    assert "deleted 0 phone number(s)" in again
    assert "anonymised 0 submission(s)" in again
    assert "on 0 case(s); deleted 0 case note(s)" in again


def test_with_the_phone_number_go_the_persons_words_and_numbers_in_the_teams_notes(cases):
    for name in ("old_closed", "old_unreachable", "recent_closed", "open_old"):
        text = "Called 13912345678, no answer; 打 0771-5551234"
        CaseNote.objects.create(case=cases[name], text=text)
    ReferralCase.objects.filter(pk=cases["old_closed"].pk).update(note="打我老公电话 13800138000")
    dry = run("--dry-run")
    assert "would redact phone numbers in 2 case note(s)" in dry
    assert "would clear the person's note and preferred time on 2 case(s)" in dry
    output = run()
    assert "redacted phone numbers in 2 case note(s)" in output
    old = ReferralCase.objects.get(pk=cases["old_closed"].pk)
    assert (old.phone, old.note, old.preferred_time) == ("", "", "")
    assert list(old.notes.values_list("text", flat=True)) == [
        "已回电，王芳说家里人在身边",
        "Called <phone>, no answer; 打 <phone>",
    ], "the team's record stays, without the numbers"
    for name in ("recent_closed", "open_old"):
        row = ReferralCase.objects.get(pk=cases[name].pk)
        assert (row.phone, row.note) == ("13912345678", "我叫王芳，住在三组"), name
        assert "13912345678" in row.notes.last().text, name
    assert "redacted phone numbers in 0 case note(s)" in run(), "running again is safe"


def test_the_persons_earlier_words_copied_into_case_notes_go_with_their_note(cases):
    from referrals.callbacks import request_callback

    for name in ("old_closed", "open_old"):
        row = ReferralCase.objects.get(pk=cases[name].pk)
        # Open again, then asking again with a new time and note: the old ones are quoted.
        ReferralCase.objects.filter(pk=row.pk).update(status="contacted", closed_at=None)
        request_callback(
            submission=row.submission, phone="13912345678", preferred_time="上午", note="急"
        )
    ReferralCase.objects.filter(pk=cases["old_closed"].pk).update(
        status="closed", closed_at=timezone.now() - timedelta(days=31)
    )
    quoted = CaseNote.objects.filter(quotes_person=True)
    assert quoted.count() == 2 and all("我叫王芳" in note.text for note in quoted)
    assert "deleted 1 case note(s)" in run()
    old = ReferralCase.objects.get(pk=cases["old_closed"].pk)
    assert not any("王芳，住在三组" in text for text in old.notes.values_list("text", flat=True))
    assert list(old.notes.values_list("text", flat=True)) == ["已回电，王芳说家里人在身边"]
    still_open = ReferralCase.objects.get(pk=cases["open_old"].pk)
    assert still_open.notes.filter(quotes_person=True).count() == 1, "open cases are never touched"


def test_admin_history_names_a_case_note_without_its_text(cases):
    note = CaseNote.objects.filter(case=cases["old_closed"]).first()
    assert "王芳" not in str(note)
    assert str(note.pk) in str(note)


def test_open_cases_left_untouched_for_long_are_named_so_someone_closes_them(cases):
    # Retention never touches an open case: one forgotten keeps the number for ever.
    quiet = timezone.now() - timedelta(days=91)
    ReferralCase.objects.filter(pk=cases["open_old"].pk).update(updated_at=quiet)
    output = run("--dry-run")
    assert "1 open case(s) untouched for over 90 days" in output
    assert output.rstrip().endswith(f": {cases['open_old'].pk}")
    assert "13912345678" not in output
    ReferralCase.objects.filter(pk=cases["open_old"].pk).update(updated_at=timezone.now())
    assert "untouched" not in run("--dry-run")


def test_admin_history_written_before_notes_were_named_by_number_is_scrubbed(cases, admin_user):
    import json
    from importlib import import_module

    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    case = cases["old_closed"]
    note = case.notes.first()
    said = "打了13912345678，王芳说家里人在身边"
    old_style = [
        {"changed": {"fields": ["Status"]}},
        {"added": {"name": "case note", "object": said[:50]}},
    ]
    on_case = LogEntry.objects.create(
        user=admin_user, content_type=ContentType.objects.get_for_model(ReferralCase),
        object_id=str(case.pk), object_repr=str(case), action_flag=CHANGE,
        change_message=json.dumps(old_style),
    )  # fmt: skip
    on_note = LogEntry.objects.create(
        user=admin_user, content_type=ContentType.objects.get_for_model(CaseNote),
        object_id=str(note.pk), object_repr=said[:50], action_flag=CHANGE, change_message="",
    )  # fmt: skip
    import_module("referrals.migrations.0007_scrub_case_note_history").scrub(apps, None)
    on_case.refresh_from_db()
    on_note.refresh_from_db()
    assert "13912345678" not in on_case.change_message and "王芳" not in on_case.change_message
    assert json.loads(on_case.change_message)[0] == {"changed": {"fields": ["Status"]}}
    assert on_note.object_repr == f"Case note {note.pk}"


# Outside a transaction: SQLite cannot run migrations inside one.
@pytest.mark.django_db(transaction=True)
def test_migration_0008_cuts_earlier_anonymised_submissions_to_the_day(questionnaires):
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 1}
    made = timezone.make_aware(datetime(2026, 3, 2, 14, 12, 37), CHINA_TIME)
    earlier, kept = (
        Submission.create_from_answers(version=version, answers=answers, language="zh-hans")
        for _ in range(2)
    )
    # As the job left a row before it kept only the day; the other still has its answers.
    Submission.objects.filter(pk=earlier.pk).update(answers={}, created_at=made)
    Submission.objects.filter(pk=kept.pk).update(created_at=made)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("screening")
    try:
        executor.migrate([("screening", "0007_version_number_bounds")])
        executor.loader.build_graph()
        executor.migrate([("screening", "0008_anonymised_keep_only_the_day")])
        # Only the columns 0008 knows: later migrations add others (age_band).
        as_of_0008 = Submission.objects.only("created_at", "triggered_rules", "crisis")
        anonymised = as_of_0008.get(pk=earlier.pk)
        assert timezone.localtime(anonymised.created_at, CHINA_TIME) == made.replace(
            hour=0, minute=0, second=0
        )
        assert anonymised.triggered_rules == [] and anonymised.crisis is True
        untouched = as_of_0008.get(pk=kept.pk)
        assert (untouched.created_at, untouched.triggered_rules) == (made, ["self_harm"])
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)


def stepped_up(client, *, quick_days_ago: int, later_days_ago: int) -> tuple:
    """A PHQ-4 quick check that stepped up to PHQ-9 and GAD-7, and the PHQ-9 that followed it."""
    response = client.post(
        "/q/phq-4/", {"phq4_1": "2", "phq4_2": "2", "phq4_3": "2", "phq4_4": "1"}
    )
    quick = Submission.objects.get(token=response["Location"].split("/")[2])
    rest = {f"phq9_{i}": "1" for i in range(3, 11)} | {"phq9_9": "0", "after": quick.token}
    response = client.post("/q/phq-9/", rest)
    later = Submission.objects.get(token=response["Location"].split("/")[2])
    assert later.follows == quick and sorted(quick.step_ups) == ["anxiety", "depression"]
    now = timezone.now()
    for submission, days in ((quick, quick_days_ago), (later, later_days_ago)):
        Submission.objects.filter(pk=submission.pk).update(created_at=now - timedelta(days=days))
    return Submission.objects.get(pk=quick.pk), Submission.objects.get(pk=later.pk)


def test_anonymising_cuts_the_step_up_links_both_ways(client, demo_data):
    # The quick check is old, the PHQ-9 that followed it not yet: it must not lead to the quick
    # check's new token, which would undo the rotation, nor join the two results of one person.
    quick, later = stepped_up(client, quick_days_ago=40, later_days_ago=10)
    dry = run("--dry-run", "--anonymise-days", "30")
    assert "would unlink 2 submission(s) from their step-ups" in dry
    assert Submission.objects.get(pk=later.pk).follows_id == quick.pk
    output = run("--anonymise-days", "30")
    assert "anonymised 1 submission(s)" in output
    assert "unlinked 2 submission(s) from their step-ups" in output
    anonymised = Submission.objects.get(pk=quick.pk)
    assert anonymised.token != quick.token and anonymised.answers == {}
    assert (anonymised.follows, anonymised.step_ups) == (None, [])
    assert anonymised.step_up_offers() == [] and anonymised.follow_ons() == []
    kept = Submission.objects.get(pk=later.pk)
    assert kept.follows is None and kept.answers["phq9_1"] == 2, "its own answers stay"
    later_page = client.get(kept.result_path()).content.decode()
    assert anonymised.token not in later_page and quick.token not in later_page
    old_page = client.get(anonymised.result_path()).content.decode()
    assert "?after=" not in old_page and kept.token not in old_page
    assert "unlinked 0 submission(s)" in run("--anonymise-days", "30")


def test_an_anonymised_follow_on_no_longer_points_at_the_quick_check(client, demo_data):
    quick, later = stepped_up(client, quick_days_ago=10, later_days_ago=40)
    run("--anonymise-days", "30")
    assert Submission.objects.get(pk=later.pk).follows is None
    # The recent quick check keeps its own step-ups: it is still offered to its person.
    recent = Submission.objects.get(pk=quick.pk)
    assert recent.token == quick.token and sorted(recent.step_ups) == ["anxiety", "depression"]
    assert recent.follow_ons() == []


def test_submissions_anonymised_before_links_were_cut_lose_them_too(client, demo_data):
    quick, later = stepped_up(client, quick_days_ago=40, later_days_ago=35)
    Submission.objects.filter(pk__in=[quick.pk, later.pk]).update(answers={})
    output = run("--anonymise-days", "30")
    assert "anonymised 0 submission(s)" in output
    assert "unlinked 2 submission(s) from their step-ups" in output
    assert list(
        Submission.objects.filter(pk__in=[quick.pk, later.pk]).values_list("follows", "step_ups")
    ) == [(None, []), (None, [])]

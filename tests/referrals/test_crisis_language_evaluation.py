"""The evaluation set and its command: CI fails when the detector gets worse."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from referrals.management.commands.evaluate_crisis_language import EVALUATION_SET, read_rows
from referrals.models import CrisisPhrase

pytestmark = pytest.mark.usefixtures("crisis_lexicon")


def evaluate(*args):
    out = io.StringIO()
    call_command("evaluate_crisis_language", *args, stdout=out)
    return out.getvalue()


def test_the_set_is_large_and_a_third_of_it_risk():
    rows = read_rows(EVALUATION_SET)
    risks = [r for r in rows if r[0] == "risk"]
    assert len(rows) >= 300
    assert len(risks) >= len(rows) / 3
    assert len({text for _, _, text in rows}) == len(rows), "a sentence is listed twice"
    kinds = {kind for label, kind, _ in rows if label == "not_risk"}
    assert {"negation", "hyperbole", "other_person", "farming"} <= kinds


def test_the_shipped_lexicon_meets_the_bounds():
    output = evaluate()
    assert "precision" in output
    recall = float(output.split("recall")[1].split()[0])
    false_alarms = float(output.split("false alarms on hard negatives")[1].split()[0])
    assert recall >= 0.95
    assert false_alarms <= 0.05


def test_it_fails_when_recall_falls():
    CrisisPhrase.objects.filter(category="means").update(active=False)
    with pytest.raises(CommandError, match="recall"):
        evaluate()


def test_it_fails_when_false_alarms_rise(tmp_path):
    evaluation = tmp_path / "eval.tsv"
    with evaluation.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["label", "kind", "text"])
        writer.writerow(["risk", "ideation", "我想死"])
        writer.writerow(["not_risk", "hyperbole", "笑死我了"])
    CrisisPhrase.objects.filter(phrase="笑死").update(active=False)
    CrisisPhrase.objects.create(phrase="死", category="ideation", must_match="死")
    with pytest.raises(CommandError, match="false alarms"):
        evaluate("--file", str(evaluation))


def test_it_lists_what_it_missed(tmp_path):
    evaluation = tmp_path / "eval.tsv"
    evaluation.write_text(
        "label\tkind\ttext\nrisk\tplan\t明天就走，谁也别想拦我\n", encoding="utf-8"
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("evaluate_crisis_language", "--file", str(evaluation), stdout=out)
    assert "明天就走，谁也别想拦我" in out.getvalue()


def test_it_refuses_a_file_with_other_labels(tmp_path):
    evaluation = tmp_path / "eval.tsv"
    evaluation.write_text("label\tkind\ttext\nmaybe\tplan\t走了\n", encoding="utf-8")
    with pytest.raises(CommandError, match="risk or not_risk"):
        evaluate("--file", str(evaluation))


def test_a_line_starting_with_a_hash_is_a_comment(tmp_path):
    evaluation = tmp_path / "eval.tsv"
    evaluation.write_text(
        "# Why the labels are as they are.\nlabel\tkind\ttext\n# A risk: said of oneself.\n"
        "risk\tideation\t我想死\n",
        encoding="utf-8",
    )
    assert read_rows(evaluation) == [("risk", "ideation", "我想死")]

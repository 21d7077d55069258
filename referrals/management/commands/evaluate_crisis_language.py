import csv
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referrals import crisis_language
from referrals.crisis_phrases import CrisisPhrase

EVALUATION_SET = Path(__file__).resolve().parents[2] / "crisis_language_eval.tsv"
RISK = "risk"


class Command(BaseCommand):
    help = (
        "Read the labelled sentences of the crisis-language evaluation set with the active "
        "lexicon and print precision, recall and the false-alarm rate on the hard negatives, "
        "with every miss and false alarm. Exits non-zero when recall falls below --min-recall "
        "or false alarms rise above --max-false-alarms."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", type=Path, default=EVALUATION_SET)
        parser.add_argument("--min-recall", type=float, default=0.95)
        parser.add_argument("--max-false-alarms", type=float, default=0.05)

    def handle(
        self, *args, file: Path, min_recall: float, max_false_alarms: float, **options
    ) -> None:
        rows = read_rows(file)
        lexicon = [p.entry for p in CrisisPhrase.objects.active()]
        found = Counter()
        totals = Counter()
        wrong = []
        for label, kind, text in rows:
            flagged = crisis_language.detect(text, lexicon) is not None
            totals[label, kind] += 1
            if flagged == (label == RISK):
                found[label, kind] += 1
            else:
                wrong.append((label, kind, text))
        risks = sum(n for (label, _), n in totals.items() if label == RISK)
        negatives = sum(totals.values()) - risks
        caught = sum(n for (label, _), n in found.items() if label == RISK)
        false_alarms = negatives - (sum(found.values()) - caught)
        recall = caught / risks if risks else 0.0
        precision = caught / (caught + false_alarms) if caught + false_alarms else 0.0
        false_alarm_rate = false_alarms / negatives if negatives else 0.0

        write = self.stdout.write
        write(f"{len(rows)} sentences: {risks} risk, {negatives} hard negatives")
        write(f"precision   {precision:.3f}")
        write(f"recall      {recall:.3f}  ({caught} of {risks} risk sentences found)")
        write(
            f"false alarms on hard negatives {false_alarm_rate:.3f}  "
            f"({false_alarms} of {negatives})"
        )
        write("\nby kind (right / all):")
        for label, kind in sorted(totals):
            write(f"  {label:9} {kind:14} {found[label, kind]:3} / {totals[label, kind]}")
        if wrong:
            write("\nmissed (risk) and false alarms (not_risk):")
            for label, kind, text in wrong:
                write(f"  {label:9} {kind:14} {text}")
        if recall < min_recall or false_alarm_rate > max_false_alarms:
            raise CommandError(
                f"recall {recall:.3f} (at least {min_recall}) or false alarms "
                f"{false_alarm_rate:.3f} (at most {max_false_alarms}) out of bounds"
            )


def read_rows(file: Path) -> list[tuple[str, str, str]]:
    """The labelled sentences: ``label`` (risk or not_risk), ``kind``, ``text``; a line
    starting with "#" is a comment (why a sentence carries its label)."""
    with file.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        rows = [
            (row["label"], row["kind"], row["text"])
            for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]
    labels = {label for label, _, _ in rows}
    if not rows or not labels <= {RISK, crisis_language.NOT_RISK}:
        raise CommandError(f"{file}: expected rows labelled risk or not_risk")
    return rows

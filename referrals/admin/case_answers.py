"""What the crisis team sees of a case's self-test: the score, the rule that set the tier, and
the answers, with the one that fired it and any crisis language marked."""

from django.contrib import admin
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from referrals import crisis_language
from referrals.admin.crisis_phrases import highlighted


class CaseSubmissionFields:
    """The case page's read-only fields about its submission (``submission_fields``)."""

    @admin.display(description=_("tier"))
    def tier(self, case) -> str:
        return case.submission.get_tier_display()

    def fired_rules(self, case) -> list:
        """The submission's rules its answers fired (the version's, by the codes it recorded)."""
        fired = case.submission.triggered_rules or []
        rules = case.submission.version.rules.select_related("question")
        return [rule for rule in rules if rule.code in fired]

    @admin.display(description=_("why this tier"))
    def why(self, case) -> str:
        submission = case.submission
        rules = self.fired_rules(case)
        # What the person wrote makes it a crisis whatever the answers: said first.
        words = (
            [_("Crisis language in what the person wrote (marked in the answers): a crisis.")]
            if crisis_language.RULE_CODE in (submission.triggered_rules or [])
            else []
        )
        if words and not rules:
            return words[0]
        if not rules:
            return _("The band of the total score (%(band)s) gives the tier.") % {
                "band": submission.band.label
            }
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            [(line,) for line in words]
            + [
                (
                    _(
                        "Rule “%(rule)s” fired: question %(position)s answered %(value)s "
                        "(fires at %(min)s or more)%(crisis)s. It decides the tier whatever "
                        "the band of the total score (%(band)s)."
                    )
                    % {
                        "rule": rule.description or rule.code,
                        "position": rule.question.position,
                        "value": (submission.answers or {}).get(rule.question.code, "?"),
                        "min": rule.min_value,
                        "crisis": _(", a crisis rule") if rule.crisis else "",
                        "band": submission.band.label,
                    },
                )
                for rule in rules
            ],
        )

    @admin.display(description=_("questionnaire"))
    def questionnaire(self, case) -> str:
        version = case.submission.version
        return f"{version.questionnaire.title} (v{version.number})"

    @admin.display(description=_("score"))
    def score(self, case) -> str:
        return f"{case.submission.total_score} / {case.submission.max_score}"

    @admin.display(description=_("band"))
    def band(self, case) -> str:
        return case.submission.band.label

    @admin.display(description=_("reference"))
    def reference(self, case) -> str:
        return case.submission.short_token

    @admin.display(description=_("answers"))
    def answers(self, case) -> str | Promise:
        given = case.submission.answers
        if not given:
            return _("Removed: the submission was anonymised after the retention period.")
        fired = {rule.question_id for rule in self.fired_rules(case)}
        words_fired = crisis_language.RULE_CODE in (case.submission.triggered_rules or [])
        rows = []
        for question in case.submission.version.questions.prefetch_related("options"):
            value = given.get(question.code)
            labels = {option.value: option.label for option in question.options.all()}
            if isinstance(value, str):
                answer = highlighted(value)  # the person's own words
            else:
                answer = "—" if value is None else f"{labels.get(value, '?')} ({value})"
            if question.pk in fired or (isinstance(value, str) and words_fired):
                # The answer that fired a rule (PHQ-9 item 9, crisis language) stands out.
                row = format_html(
                    '<tr class="fired"><td><mark>{}</mark></td><td><mark>{}</mark></td>'
                    "<td><mark><strong>{}</strong> ⚠ {}</mark></td></tr>",
                    question.position,
                    question.text,
                    answer,
                    _("fired a rule"),
                )
            else:
                row = format_html(
                    "<tr><td>{}</td><td>{}</td><td><strong>{}</strong></td></tr>",
                    question.position,
                    question.text,
                    answer,
                )
            rows.append(row)
        return format_html(
            '<table class="answers"><tbody>{}</tbody></table>',
            format_html_join("", "{}", ((r,) for r in rows)),
        )

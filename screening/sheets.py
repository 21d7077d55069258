"""Printable A4 sheets (WeasyPrint): a result to keep or take to the doctor, and a blank
questionnaire for people without a smartphone, with a scoring key for the clinician.

Turning HTML into a PDF costs a few hundred milliseconds; the HTML itself costs a few. A PDF is
cached under a digest of its HTML, so a download is rendered again exactly when something on the
sheet changed (a session has ended, a hotline was edited, a template changed) and is served from
the cache otherwise.
"""

import hashlib
from collections.abc import Callable, Sequence

import segno
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext
from weasyprint import HTML, Document

from config.national import CHINA_TIME
from content.models import Session, by_source
from referrals.models import national_line_first
from screening import scoring
from screening.models import ItemRule, Question, QuestionnaireVersion, Submission
from screening.recommendations import hotlines_serving, result_parts, safety_message
from screening.sheet_font import SheetFetcher, font_configuration, font_url

CACHE_SECONDS = 10 * 60


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as a small PNG (printed with sharp edges, see sheet_base.html).

    A PNG of a few hundred bytes costs WeasyPrint far less than an SVG of one path per module.
    Error correction "M" still scans from a creased or smudged printout.
    """
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def laid_out(html: str) -> Document:
    """A sheet's HTML laid out in pages. Sheets carry everything inline (styles, the QR code as
    a data URI) but their font, so the renderer may load nothing else: no file, no network."""
    return HTML(string=html, url_fetcher=SheetFetcher()).render(font_config=font_configuration())


def render_pdf(html: str, *, tighter: Sequence[Callable[[], str]] = (), pages: int = 1) -> bytes:
    """The PDF of a sheet's HTML; while it runs over its ``pages``, each of ``tighter`` (the
    same sheet set tighter, then tighter still) in turn, kept if it takes fewer pages
    (clinicians' texts, a county's many hotlines and a busy week of sessions vary more than any
    fixed layout allows for)."""
    document = laid_out(html)
    for variant in tighter:
        if len(document.pages) <= pages:
            break
        tight = laid_out(variant())
        if len(tight.pages) < len(document.pages):
            document = tight
    return document.write_pdf()


def cache_key(kind: str, name: str, language: str, html: str) -> str:
    """Where the PDF of ``html`` is cached: the sheet, its language and a digest of its content."""
    digest = hashlib.sha256(html.encode()).hexdigest()[:32]
    return f"sheet:{kind}:{name}:{language}:{digest}"


def cached_pdf(
    key: str, html: str, *, tighter: Sequence[Callable[[], str]] = (), pages: int = 1
) -> bytes:
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(html, tighter=tighter, pages=pages)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def answered_questions(submission: Submission, *, with_words: bool = False) -> list[dict]:
    """Each question of the submission's version with the option the person chose (or None),
    and whether that answer set off a crisis rule (PHQ-9 item 9 above 0, or crisis language in
    what they wrote): whoever reads the printout must see which answer it was. A free-text
    question (left out when they wrote nothing) with the person's words only ``with_words``
    (they chose to print them), else whether they wrote something."""
    questions = Question.objects.filter(version=submission.version_id).prefetch_related("options")
    alarming = set(
        ItemRule.objects.filter(
            version=submission.version_id, crisis=True, code__in=submission.triggered_rules
        ).values_list("question_id", flat=True)
    )
    words_fired = scoring.CRISIS_LANGUAGE_RULE in submission.triggered_rules
    rows = []
    for number, question in enumerate(questions, 1):
        value = submission.answers.get(question.code)
        option = next((o for o in question.options.all() if o.value == value), None)
        row = {
            "number": number,
            "question": question,
            "option": option,
            "crisis": question.pk in alarming,
        }
        if question.is_text:
            if not value:
                continue  # nothing written: no row, so that the common sheet stays one page
            row["wrote"] = isinstance(value, str)
            row["words"] = value if with_words and isinstance(value, str) else ""
            row["crisis"] = words_fired and row["wrote"]
        rows.append(row)
    return rows


SESSIONS_ON_PAPER = 3
LOCAL_SERVICES_ON_PAPER = 2


def sessions_on_paper(sessions: list[Session]) -> list[Session]:
    """The first of each livestream's or weekly hours' sessions, three at most.

    On one printed page, the same weekly hours listed again for next week would take the place
    of another way to talk to someone; the code on the sheet leads to every date.
    """
    return [series[0] for series in by_source(sessions)][:SESSIONS_ON_PAPER]


def result_sheet_html(
    submission: Submission, *, result_url: str, tight: bool = False, with_words: bool = False
) -> str:
    """The result sheet in the language the person took the test in, times in China time;
    ``tight``: set tighter, for a sheet that would not fit one page otherwise; ``with_words``:
    with what the person wrote, when they chose to print it for the clinician."""
    with (
        translation.override(submission.language or settings.LANGUAGE_CODE),
        timezone.override(CHINA_TIME),
    ):
        parts = result_parts(submission, printed=True)
        context = parts | {
            "version": submission.version,
            "answers": answered_questions(submission, with_words=with_words),
            "sessions": sessions_on_paper(parts["recommendation"].get("sessions", [])),
            "local_services": parts["recommendation"].get("local_services", [])[
                :LOCAL_SERVICES_ON_PAPER
            ],
            "result_url": result_url,
            "qr": qr_data_uri(result_url),
            "font_url": font_url(),
            "tight": tight,
        }
        return render_to_string("screening/result_sheet.html", context)


def result_sheet_pdf(submission: Submission, *, result_url: str, with_words: bool = False) -> bytes:
    """The printable result sheet (A4 PDF), from the cache when it has not changed."""
    html = result_sheet_html(submission, result_url=result_url, with_words=with_words)
    return cached_pdf(
        result_sheet_key(submission, html),
        html,
        tighter=[
            lambda: result_sheet_html(
                submission, result_url=result_url, tight=True, with_words=with_words
            )
        ],
    )


def result_sheet_key(submission: Submission, html: str) -> str:
    # A digest, not the token: cache servers can log keys (Redis MONITOR, SLOWLOG).
    name = hashlib.sha256(submission.token.encode()).hexdigest()[:32]
    return cache_key("result", name, submission.language, html)


def result_sheet_filename(submission: Submission) -> str:
    return f"{submission.version.questionnaire.slug}-result-{submission.short_token}.pdf"


def question_blocks(questions: list[Question]) -> list[dict]:
    """The paper form's questions in blocks, each set as compactly as it reads well:

    - ``grid``: consecutive choice questions with the same answer options, one table with the
      options as its columns (PHQ-9 items 1–9);
    - ``list``: a choice question with options of its own, its options in a row beneath it
      (each EPDS item);
    - ``yes_no``: consecutive yes-or-no questions, each on one line ("是 □  否 □"); their
      scores are on the scoring key, as they differ from question to question (GDS-15).

    Free-text questions are left out: they are written on lines of their own."""
    blocks: list[dict] = []
    for number, question in enumerate(questions, 1):
        if question.is_text:
            continue
        options = list(question.options.all())
        row = {"number": number, "question": question, "options": options}
        last = blocks[-1] if blocks else None
        if question.is_yes_no:
            if last and last["kind"] == "yes_no":
                last["rows"].append(row)
            else:
                blocks.append({"kind": "yes_no", "rows": [row]})
            continue
        choices = [(o.value, o.label) for o in options]
        if last and last["kind"] != "yes_no" and last["choices"] == choices:
            last["kind"] = "grid"  # more than one question with these options: one table
            last["rows"].append(row)
        else:
            blocks.append({"kind": "list", "choices": choices, "options": options, "rows": [row]})
    return blocks


def yes_no_scores(questions: list[Question]) -> list[dict]:
    """The scored yes-or-no questions grouped by what "yes" and "no" score, for the scoring key
    ("Questions 1, 5, 7, 11, 13: “no” scores 1, “yes” 0")."""
    groups: dict[tuple, dict] = {}
    for number, question in enumerate(questions, 1):
        options = list(question.options.all())
        if not (question.is_yes_no and question.scored and len(options) == 2):
            continue
        yes, no = options
        key = (yes.label, yes.value, no.label, no.value)
        groups.setdefault(key, {"yes": yes, "no": no, "numbers": []})["numbers"].append(number)
    return [group | {"numbers": number_list(group["numbers"])} for group in groups.values()]


def number_list(numbers: list[int]) -> str:
    """Question numbers as a list in the active language ("1、5、7" in Chinese)."""
    return pgettext("a list of question numbers", ", ").join(map(str, numbers))


def rule_answers(rule: ItemRule, question: Question | None) -> list[str]:
    """The labels of the answers to a yes-or-no question that fire ``rule`` (their scores are
    not printed on the form); empty for other questions, whose rule reads by score."""
    if question is None or not question.is_yes_no:
        return []
    return [o.label for o in question.options.all() if o.value >= rule.min_value]


def blank_questionnaire_html(
    version: QuestionnaireVersion, *, form_url: str, tight: bool = False, follow: bool = False
) -> str:
    """A paper form of ``version`` with tick boxes, then a scoring key page for the clinician;
    ``tight``: set tighter, for a form that would not fit its page otherwise; ``follow``: the
    key follows the form on its second page instead of starting a page of its own, for a form
    that takes more than one page even set tighter.

    In the active language; ``version`` should come from ``current_for`` (definition prefetched).
    """
    questions = list(version.questions.all())
    numbers = {q.pk: number for number, q in enumerate(questions, 1)}
    by_pk = {q.pk: q for q in questions}
    rules = [
        {
            "rule": rule,
            "number": numbers.get(rule.question_id),
            "answers": rule_answers(rule, by_pk.get(rule.question_id)),
        }
        for rule in version.rules.all()
    ]
    unscored = [numbers[q.pk] for q in questions if not q.scored and not q.is_text]
    context = {
        "version": version,
        "questionnaire": version.questionnaire,
        "blocks": question_blocks(questions),
        "scored_count": sum(q.scored for q in questions),
        "yes_no_scores": yes_no_scores(questions),
        "unscored": number_list(unscored),
        "unscored_count": len(unscored),
        "text_questions": [
            {"number": numbers[q.pk], "question": q} for q in questions if q.is_text
        ],
        "max_score": version.definition().max_score,
        "bands": list(version.bands.all()),
        "rules": rules,
        "crisis_rules": any(rule.crisis for rule in version.rules.all()),
        "hotlines": national_line_first(list(hotlines_serving(""))),
        "safety_message": safety_message(),
        "form_url": form_url,
        "qr": qr_data_uri(form_url),
        "font_url": font_url(),
        "tight": tight,
        "follow": follow,
    }
    return render_to_string("screening/blank_questionnaire.html", context)


def blank_questionnaire_pdf(version: QuestionnaireVersion, *, form_url: str) -> bytes:
    """The printable blank questionnaire (A4 PDF) in the active language, cached: two pages.
    The form on one page and the scoring key on the next, so that printed double-sided the key
    is on its back; a form too long for one page even set tighter runs onto the second, the key
    after it."""
    html = blank_questionnaire_html(version, form_url=form_url)
    key = cache_key("blank", str(version.pk), translation.get_language(), html)
    return cached_pdf(
        key,
        html,
        tighter=[
            lambda: blank_questionnaire_html(version, form_url=form_url, tight=True),
            lambda: blank_questionnaire_html(version, form_url=form_url, tight=True, follow=True),
        ],
        pages=2,
    )


def blank_questionnaire_filename(version: QuestionnaireVersion) -> str:
    return f"{version.questionnaire.slug}-v{version.number}-questionnaire.pdf"

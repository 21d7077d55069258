"""Scoring definitions read straight from the shipped fixture file, without the database."""

import json
from pathlib import Path

from screening import scoring

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "screening_questionnaires.json"


def fixture_definition(slug: str) -> scoring.Definition:
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    by_model: dict[str, list[dict]] = {}
    for row in rows:
        by_model.setdefault(row["model"], []).append(row)
    questionnaire = next(
        r for r in by_model["screening.questionnaire"] if r["fields"]["slug"] == slug
    )
    version = next(
        r
        for r in by_model["screening.questionnaireversion"]
        if r["fields"]["questionnaire"] == questionnaire["pk"]
    )
    questions = sorted(
        (r for r in by_model["screening.question"] if r["fields"]["version"] == version["pk"]),
        key=lambda r: r["fields"]["position"],
    )
    codes = {q["pk"]: q["fields"]["code"] for q in questions}
    return scoring.Definition(
        questions=tuple(
            scoring.QuestionDef(
                code=q["fields"]["code"],
                values=tuple(
                    o["fields"]["value"]
                    for o in by_model["screening.option"]
                    if o["fields"]["question"] == q["pk"]
                ),
                scored=q["fields"]["scored"],
                required=q["fields"]["required"],
                safety=q["fields"].get("safety_item", False),
                kind=q["fields"].get("kind", scoring.CHOICE),
                max_length=q["fields"].get("max_length"),
            )
            for q in questions
        ),
        bands=tuple(
            scoring.BandDef(
                code=b["fields"]["code"],
                min_score=b["fields"]["min_score"],
                max_score=b["fields"]["max_score"],
                tier=b["fields"]["tier"],
            )
            for b in by_model["screening.scoreband"]
            if b["fields"]["version"] == version["pk"]
        ),
        rules=tuple(
            scoring.RuleDef(
                code=r["fields"]["code"],
                question_code=codes[r["fields"]["question"]],
                min_value=r["fields"]["min_value"],
                crisis=r["fields"]["crisis"],
            )
            for r in by_model.get("screening.itemrule", [])
            if r["fields"]["version"] == version["pk"]
        ),
    )

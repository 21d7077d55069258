"""An optional age band: which questionnaires suit it, the home page's choice, the form's hidden
field and the API's ``age_band``; the age group enters a result's kind."""

import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from config.ages import AgeBand
from screening.models import Questionnaire, QuestionnaireVersion, Submission
from screening.views import AGE_BAND_COOKIE

pytestmark = pytest.mark.django_db

CALM_PHQ9 = {f"phq9_{i}": 0 for i in range(1, 10)}
SEVERE_PHQ9 = {f"phq9_{i}": v for i, v in enumerate((3, 3, 3, 3, 3, 3, 3, 3, 0), 1)}


def slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


# Eligibility, as data


def test_the_shipped_age_limits(more_questionnaires):
    limits = {q.slug: (q.min_age, q.max_age) for q in Questionnaire.objects.all()}
    assert limits == {
        "phq-9": (None, None),
        "gad-7": (None, None),
        "gds-15": (60, None),
        "epds": (None, None),
        "phq-a": (11, 17),
        "phq-4": (None, None),
    }


@pytest.mark.parametrize(
    "band, suited, made_for",
    [
        # PHQ-A's 11 to 17 meets the under-14 band (11, 12, 13) and the 14 to 17 one.
        ("under_14", {"phq-9", "gad-7", "epds", "phq-4", "phq-a"}, {"phq-a"}),
        ("14_17", {"phq-9", "gad-7", "epds", "phq-4", "phq-a"}, {"phq-a"}),
        ("18_59", {"phq-9", "gad-7", "epds", "phq-4"}, set()),
        ("60_plus", {"phq-9", "gad-7", "epds", "phq-4", "gds-15"}, {"gds-15"}),
    ],
)
def test_which_questionnaires_suit_an_age_band(more_questionnaires, band, suited, made_for):
    assert slugs(Questionnaire.objects.suited_to(band)) == suited
    assert slugs(Questionnaire.objects.made_for(band)) == made_for
    # The model's own answer agrees with the query's.
    for questionnaire in Questionnaire.objects.all():
        assert questionnaire.suits(band) == (questionnaire.slug in suited)
        assert questionnaire.is_made_for(band) == (questionnaire.slug in made_for)


def test_limits_are_data_that_clinicians_edit(more_questionnaires):
    Questionnaire.objects.filter(slug="gds-15").update(min_age=65)
    assert "gds-15" in slugs(Questionnaire.objects.made_for("60_plus"))
    Questionnaire.objects.filter(slug="phq-9").update(min_age=18)
    assert "phq-9" not in slugs(Questionnaire.objects.suited_to("14_17"))
    assert "phq-9" in slugs(Questionnaire.objects.made_for("18_59"))


def test_an_oldest_age_below_the_youngest_is_refused(more_questionnaires):
    questionnaire = Questionnaire.objects.get(slug="phq-a")
    questionnaire.min_age, questionnaire.max_age = 17, 11
    with pytest.raises(ValidationError) as refused:
        questionnaire.full_clean()
    assert "max_age" in refused.value.message_dict


# The home page


def listed(client) -> list[str]:
    page = client.get("/").content.decode()
    return re.findall(r'<a class="button[^"]*" href="/q/([^/]+)/"', page)


def test_without_an_age_band_every_test_is_listed_as_before(client, more_questionnaires):
    page = client.get("/").content.decode()
    assert "为您的年龄推荐" not in page
    assert sorted(listed(client)) == sorted(Questionnaire.objects.values_list("slug", flat=True))
    # The age question is there, optional, with "rather not say" chosen.
    assert re.search(r'<button name="age_band" value=""[^>]*aria-pressed="true"', page)
    for label in ("不想说", "14岁以下", "14–17岁", "18–59岁", "60岁及以上"):
        assert label in page


def test_choosing_60_plus_suggests_gds15_first_and_lists_the_rest(client, more_questionnaires):
    response = client.post("/age/", {"age_band": "60_plus"})
    assert response.status_code == 302 and response["Location"] == "/#tests"
    cookie = response.cookies[AGE_BAND_COOKIE]
    assert cookie.value == "60_plus" and cookie["httponly"] and cookie["samesite"] == "Lax"
    order = listed(client)
    assert order[0] == "gds-15"
    assert sorted(order) == sorted(Questionnaire.objects.values_list("slug", flat=True))
    page = client.get("/").content.decode()
    assert page.count("为您的年龄推荐") == 1
    assert page.index("为您的年龄推荐") < page.index("/q/gds-15/")
    assert re.search(r'<button name="age_band" value="60_plus"[^>]*aria-pressed="true"', page)
    # Not made for older people: the youth test comes last.
    assert order[-1] == "phq-a"


@pytest.mark.parametrize("band", ["under_14", "14_17"])
def test_a_young_person_is_suggested_phq_a(client, more_questionnaires, band):
    client.post("/age/", {"age_band": band})
    assert listed(client)[0] == "phq-a"
    assert listed(client)[-1] == "gds-15"


def test_rather_not_say_or_an_unknown_band_forgets_the_choice(client, more_questionnaires):
    client.post("/age/", {"age_band": "60_plus"})
    response = client.post("/age/", {"age_band": ""})
    assert response.cookies[AGE_BAND_COOKIE].value == ""  # deleted
    assert "为您的年龄推荐" not in client.get("/").content.decode()
    client.cookies[AGE_BAND_COOKIE] = "ancient"
    assert "为您的年龄推荐" not in client.get("/").content.decode()
    assert client.post("/age/", {"age_band": "ancient"}).cookies[AGE_BAND_COOKIE].value == ""


def test_the_age_choice_takes_only_post(client, more_questionnaires):
    assert client.get("/age/").status_code == 405


# The form's hidden field


def test_the_form_carries_the_band_and_the_result_stores_it(client, questionnaires):
    client.post("/age/", {"age_band": "14_17"})
    form = client.get("/q/phq-9/").content.decode()
    assert '<input type="hidden" name="age_band" value="14_17">' in form
    response = client.post("/q/phq-9/", CALM_PHQ9 | {"age_band": "14_17"})
    assert response.status_code == 303
    assert Submission.objects.get().age_band == "14_17"


def test_without_a_band_the_form_has_no_field_and_stores_none(client, questionnaires):
    assert 'name="age_band"' not in client.get("/q/phq-9/").content.decode()
    assert client.post("/q/phq-9/", CALM_PHQ9).status_code == 303
    assert Submission.objects.get().age_band == ""


def test_a_mangled_hidden_band_never_stops_a_result(client, questionnaires):
    response = client.post("/q/phq-9/", CALM_PHQ9 | {"age_band": "old"})
    assert response.status_code == 303
    assert Submission.objects.get().age_band == ""


# The API


def submit(api, body):
    return api.post("/api/v1/questionnaires/phq-9/submissions/", body, format="json")


@pytest.mark.parametrize("band", [*AgeBand.values, "", None])
def test_the_api_takes_an_optional_age_band(api, questionnaires, hotlines, band):
    response = submit(api, {"answers": CALM_PHQ9, "age_band": band})
    assert response.status_code == 201
    assert response.json()["age_band"] == (band or "")
    assert Submission.objects.get().age_band == (band or "")


def test_the_api_without_an_age_band_stores_none(api, questionnaires, hotlines):
    response = submit(api, {"answers": CALM_PHQ9})
    assert response.status_code == 201 and response.json()["age_band"] == ""


@pytest.mark.parametrize("band", ["under_18", "60+", 60, ["60_plus"], {"band": "x"}])
def test_a_bad_age_band_is_a_400_naming_it_and_nothing_is_stored(
    api, questionnaires, hotlines, band
):
    response = submit(api, {"answers": CALM_PHQ9, "age_band": band})
    assert response.status_code == 400
    assert list(response.json()) == ["age_band"]
    assert not Submission.objects.exists()


def test_a_bad_age_band_beside_a_crisis_answer_still_brings_the_help(api, questionnaires, hotlines):
    answers = CALM_PHQ9 | {"phq9_9": 2}
    response = submit(api, {"answers": answers, "age_band": ["14_17"]})
    assert response.status_code == 400
    body = response.json()
    assert "age_band" in body and body["crisis"] is True
    assert body["hotlines"][0]["number"] == "12356"


def test_the_questionnaire_list_says_the_age_limits(api, more_questionnaires):
    listed = {q["slug"]: q for q in api.get("/api/v1/questionnaires/").json()}
    assert (listed["gds-15"]["min_age"], listed["gds-15"]["max_age"]) == (60, None)
    assert (listed["phq-a"]["min_age"], listed["phq-a"]["max_age"]) == (11, 17)
    assert (listed["phq-9"]["min_age"], listed["phq-9"]["max_age"]) == (None, None)


# The kind of result


@pytest.mark.parametrize(
    "band, group",
    [("", ""), ("18_59", ""), ("60_plus", ""), ("14_17", "minor"), ("under_14", "child")],
)
def test_the_age_group_is_part_of_a_results_kind(questionnaires, band, group):
    version = QuestionnaireVersion.objects.current_for("phq-9")
    submission = Submission.create_from_answers(
        version=version, answers=SEVERE_PHQ9, language="zh-hans", age_band=band
    )
    assert submission.kind[4] == group
    found = Submission.objects.kind_of(submission.token)
    assert found == (submission.token, submission.total_score, *submission.kind)


def test_an_anonymised_submission_keeps_its_age_band(questionnaires):
    version = QuestionnaireVersion.objects.current_for("phq-9")
    submission = Submission.create_from_answers(
        version=version, answers=CALM_PHQ9, language="zh-hans", age_band="60_plus"
    )
    Submission.objects.filter(pk=submission.pk).update(created_at="2020-01-01T00:00:00Z")
    call_command("purge_personal_data", "--anonymise-days", "30", stdout=StringIO())
    anonymised = Submission.objects.get(pk=submission.pk)
    assert anonymised.answers == {} and anonymised.token != submission.token
    assert anonymised.age_band == "60_plus"


# Export


def test_the_json_export_carries_the_ages_and_a_new_questionnaire_takes_them(
    more_questionnaires,
):
    from screening import interchange

    data = interchange.export_version(QuestionnaireVersion.objects.current_for("phq-a"))
    assert (data["questionnaire"]["min_age"], data["questionnaire"]["max_age"]) == (11, 17)
    data["questionnaire"]["slug"] = "phq-a-copy"
    copy = interchange.import_version(data).questionnaire
    assert (copy.min_age, copy.max_age) == (11, 17)


def test_the_fhir_export_states_the_ages_as_a_usage_context(more_questionnaires):
    from screening.fhir_export import fhir_questionnaire

    gds = fhir_questionnaire(
        QuestionnaireVersion.objects.current_for("gds-15"), "https://example.org"
    )
    [context] = gds["useContext"]
    assert context["code"]["code"] == "age"
    assert context["valueRange"] == {
        "low": {"value": 60, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"}
    }
    phq9 = fhir_questionnaire(
        QuestionnaireVersion.objects.current_for("phq-9"), "https://example.org"
    )
    assert "useContext" not in phq9

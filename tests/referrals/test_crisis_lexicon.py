"""Editing the crisis-language lexicon in admin: every phrase proves itself on its examples."""

import pytest
from django.contrib.auth.models import Group, User

from referrals.crisis_language import example_problems
from referrals.crisis_phrases import find_crisis_language
from referrals.models import CrisisPhrase

pytestmark = pytest.mark.usefixtures("crisis_lexicon", "staff_groups")
ADD = "/admin/referrals/crisisphrase/add/"
LIST = "/admin/referrals/crisisphrase/"


def login(client, group):
    user = User.objects.create_user(f"user-{group}", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)


def add(client, **fields):
    form = {"category": "means", "must_not_match": "", "note": "", "active": "on", **fields}
    return client.post(ADD, form, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("group", ["Clinician", "Crisis team"])
def test_clinicians_and_the_crisis_team_extend_the_lexicon(client, group):
    login(client, group)
    assert find_crisis_language("我想喝甲胺磷") is None
    response = add(
        client,
        phrase="喝…甲胺磷",
        must_match="我想喝甲胺磷\n喝了半瓶甲胺磷",
        must_not_match="甲胺磷打棉花",
    )
    assert response.status_code == 302
    finding = find_crisis_language("我想喝甲胺磷")
    assert (finding.text, finding.category) == ("喝甲胺磷", "means")


def test_content_editors_do_not(client):
    login(client, "Content editor")
    assert client.get(LIST).status_code == 403


def test_an_example_that_must_match_and_does_not_is_refused(client):
    login(client, "Clinician")
    response = add(client, phrase="喝…甲胺磷", must_match="甲胺磷喝了", must_not_match="打药")
    assert response.status_code == 200
    assert "“甲胺磷喝了” must match, and does not." in response.content.decode()
    assert not CrisisPhrase.objects.filter(phrase="喝…甲胺磷").exists()


def test_an_example_that_must_not_match_and_does_is_refused(client):
    login(client, "Clinician")
    response = add(
        client, phrase="甲胺磷", must_match="想喝甲胺磷", must_not_match="买甲胺磷打棉花"
    )
    assert response.status_code == 200
    assert "“买甲胺磷打棉花” must not match, and does." in response.content.decode()


def test_a_risk_phrase_needs_an_example_it_must_not_match(client):
    login(client, "Clinician")
    response = add(client, phrase="喝…甲胺磷", must_match="想喝甲胺磷")
    assert response.status_code == 200
    assert "must not match: a denial" in response.content.decode()


def test_an_everyday_phrase_that_hides_real_risk_is_refused(client):
    login(client, "Clinician")
    response = add(client, phrase="想死", category="not_risk", must_match="想死你了")
    assert response.status_code == 200
    assert "the examples of other phrases no longer hold" in response.content.decode()
    assert find_crisis_language("我好想死") is not None


def test_an_everyday_phrase_stops_a_false_alarm(client):
    login(client, "Clinician")
    assert find_crisis_language("这个电影叫遗书") is not None
    response = add(client, phrase="电影叫遗书", category="not_risk", must_match="这个电影叫遗书")
    assert response.status_code == 302
    assert find_crisis_language("这个电影叫遗书") is None
    assert find_crisis_language("遗书写好了") is not None


def test_a_phrase_switched_off_no_longer_finds_risk(client):
    CrisisPhrase.objects.filter(phrase="割腕").update(active=False)
    assert find_crisis_language("想割腕") is None


def test_the_list_highlights_what_each_phrase_matches(client):
    login(client, "Crisis team")
    page = client.get(LIST, {"q": "喝…农药"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="crisis-language" title="Means (pesticide, pills, heights)">喝农药</mark>' in page


def test_every_shipped_phrase_holds_its_examples():
    # The data migrations write phrases without the admin's check; a wrong example there would
    # make every later edit in admin refused.
    phrases = list(CrisisPhrase.objects.active())
    lexicon = [p.entry for p in phrases]
    broken = {
        p.phrase: found for p in phrases if (found := example_problems(p.examples(), lexicon))
    }
    assert broken == {}

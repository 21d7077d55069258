"""The call-back form on a crisis result: consent, its errors at the form, the number unechoed."""

import re

import pytest

from referrals.models import ReferralCase
from screening.models import Submission
from tests.screening.form_answers import answers

pytestmark = pytest.mark.django_db


def test_the_callback_form_needs_consent_and_never_echoes_the_number(client, demo_data):
    client.post("/q/phq-9/", answers((0,) * 8 + (2,)))
    token = Submission.objects.get().token
    refused = client.post(f"/r/{token}/callback/", {"phone": "13912345678"})
    assert refused.status_code == 400
    assert "13912345678" not in refused.content.decode()
    # Nor does the browser keep it to offer the next person on a shared clinic phone.
    assert 'name="phone" type="tel" inputmode="tel" autocomplete="off"' in refused.content.decode()
    accepted = client.post(
        f"/r/{token}/callback/", {"phone": "13912345678", "consent": "yes"}, follow=True
    )
    assert accepted.redirect_chain[-1][1] == 303
    assert 'role="status"' in accepted.content.decode()
    assert "13912345678" not in accepted.content.decode()
    assert Submission.objects.get().cases.get().phone == "13912345678"


def test_the_call_back_thanks_shows_only_while_a_case_is_open(client, demo_data):
    client.post("/q/phq-9/", answers((0,) * 8 + (2,)))
    submission = Submission.objects.get()
    thanks = f"/r/{submission.token}/?callback=1"
    # No case behind the address (a shared or guessed link): the form, not a false promise.
    page = client.get(thanks).content.decode()
    assert 'role="status"' not in page and 'name="consent"' in page
    client.post(f"/r/{submission.token}/callback/", {"phone": "13912345678", "consent": "yes"})
    assert 'role="status"' in client.get(thanks).content.decode()
    # Closed by the team (say, unreachable): a restored tab offers to ask again.
    submission.cases.update(status="unreachable")
    page = client.get(thanks).content.decode()
    assert 'role="status"' not in page and 'name="consent"' in page


def test_a_refused_call_back_opens_at_the_form_with_its_error(client, demo_data):
    client.post("/q/phq-9/", answers((0,) * 8 + (2,)))
    token = Submission.objects.get().token
    result = client.get(f"/r/{token}/").content.decode()
    # The refused page opens at the form, not at the top with the error far below.
    assert f'action="/r/{token}/callback/#callback"' in result
    refused = client.post(f"/r/{token}/callback/", {"phone": "12", "consent": "yes"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert html.index('id="callback"') < html.index('id="phone-error"')


def test_the_call_back_address_opened_again_leads_to_the_result(client, demo_data):
    client.post("/q/phq-9/", answers((0,) * 8 + (2,)))
    token = Submission.objects.get().token
    refused = client.post(f"/r/{token}/callback/", {"phone": "12"})
    assert refused.status_code == 400
    # A reload, or the language and text-size buttons coming back to the refused page's address.
    back = re.findall(r'name="next" value="([^"]+)"', refused.content.decode())
    assert back == [f"/r/{token}/callback/"] * 2
    switched = client.post("/i18n/setlang/", {"language": "en", "next": back[0]}, follow=True)
    assert switched.redirect_chain[-1] == (f"/r/{token}/#callback", 302)
    assert switched.status_code == 200
    assert 'href="tel:12356"' in switched.content.decode()
    assert not ReferralCase.objects.exists()
    assert client.get("/r/no-such-token/callback/").status_code == 404


def test_a_refused_form_token_on_the_call_back_leads_back_to_the_result(demo_data):
    from tests.clients import FormClient

    FormClient().post("/q/phq-9/", answers((0,) * 8 + (2,)))
    token = Submission.objects.get().token
    strict = FormClient(enforce_csrf_checks=True)
    refused = strict.post(f"/r/{token}/callback/", {"phone": "13912345678", "consent": "yes"})
    assert refused.status_code == 403
    page = refused.content.decode()
    assert f'href="/r/{token}/callback/"' in page, "back to the person's result, not the start"
    assert 'href="tel:12356"' in page
    assert "13912345678" not in page
    assert not ReferralCase.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [("phone", "139\x0012345678"), ("preferred_time", "a\x00b"), ("preferred_time", "x" * 101)],
)
def test_a_bad_callback_field_is_shown_on_the_form_and_stores_nothing(
    client, demo_data, field, value
):
    client.post("/q/phq-9/", answers((0,) * 8 + (2,)))
    token = Submission.objects.get().token
    form = {"phone": "13912345678", "consent": "yes", field: value}
    response = client.post(f"/r/{token}/callback/", form)
    assert response.status_code == 400
    assert f'id="{field.replace("_", "-")}-error"' in response.content.decode()
    assert 'href="tel:12356"' in response.content.decode()
    assert not ReferralCase.objects.exists()

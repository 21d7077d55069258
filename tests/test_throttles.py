"""Throttles that cannot be dodged: by a forged address, or by a result asking for call-backs."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.api_submissions import submit

pytestmark = pytest.mark.django_db


@override_settings(THROTTLE_SUBMISSIONS="2/minute")
def test_a_forged_forwarded_for_does_not_escape_the_submission_limit(api, questionnaires):
    codes = [submit(api, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(3)]
    assert codes == [201, 201, 429]


def test_behind_a_declared_proxy_clients_are_told_apart_by_forwarded_for(
    api, questionnaires, settings
):
    # Both through the `settings` fixture: mixed with @override_settings, its undo would bring
    # back the decorator's 1/minute for every later test.
    settings.THROTTLE_SUBMISSIONS = "1/minute"
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    # The load balancer appends the address it saw; anything before it is the client's claim.
    first = submit(api, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.1")
    again = submit(api, HTTP_X_FORWARDED_FOR="198.51.100.8, 203.0.113.1")
    other = submit(api, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert [first.status_code, again.status_code, other.status_code] == [201, 429, 201]


@pytest.fixture
def crisis_token(api, demo_data):
    return submit(api, (0,) * 8 + (2,)).json()["token"]


CALL_ME = {"phone": "13912345678", "consent": True}


def ask_callback(api, token, body=CALL_ME, **headers):
    return api.post(f"/api/v1/submissions/{token}/callback/", body, format="json", **headers)


@override_settings(THROTTLE_CALLBACKS_PER_RESULT="2/hour")
def test_call_back_requests_for_one_result_beyond_its_rate_are_429_with_the_hotlines(
    api, crisis_token
):
    codes = [ask_callback(api, crisis_token).status_code for _ in range(3)]
    assert codes == [201, 200, 429]
    refused = ask_callback(api, crisis_token).json()
    assert "detail" in refused
    assert [line["number"] for line in refused["hotlines"]] == ["12356", "400-161-9995"]
    # The limit is the result's, wherever the requests come from.
    assert ask_callback(api, crisis_token, REMOTE_ADDR="10.9.8.7").status_code == 429


@override_settings(THROTTLE_CALLBACKS="2/hour")
def test_new_call_back_cases_from_one_address_beyond_its_rate_are_429(api, demo_data):
    tokens = [submit(api, (0,) * 8 + (2,)).json()["token"] for _ in range(4)]
    codes = [ask_callback(api, token).status_code for token in tokens[:3]]
    assert codes == [201, 201, 429]
    assert ask_callback(api, tokens[3], REMOTE_ADDR="10.9.8.7").status_code == 201


@override_settings(THROTTLE_CALLBACKS="2/hour")
def test_asking_again_for_one_result_leaves_the_addresss_new_cases_to_others(api, demo_data):
    # A village clinic's wifi serves everyone who scans its poster: one person correcting
    # their number must not use up what the next person needs.
    first, second, third = (submit(api, (0,) * 8 + (2,)).json()["token"] for _ in range(3))
    again = [ask_callback(api, first, CALL_ME | {"preferred_time": f"{h}点"}) for h in (9, 10, 11)]
    assert [response.status_code for response in again] == [201, 200, 200]
    assert ask_callback(api, second).status_code == 201
    assert ask_callback(api, third).status_code == 429


@override_settings(THROTTLE_CALLBACKS="1/hour", THROTTLE_CALLBACKS_PER_RESULT="2/hour")
def test_refused_call_back_requests_do_not_count_against_the_rates(api, crisis_token):
    # Someone in crisis who mistypes the number must still be able to ask.
    for phone in ("1391234567", "23912345678", "139123456789", "phone", "110"):
        assert ask_callback(api, crisis_token, {"phone": phone, "consent": True}).status_code == 400
    codes = [ask_callback(api, crisis_token).status_code for _ in range(3)]
    assert codes == [201, 200, 429]


def test_the_per_result_limit_keeps_no_token_in_the_cache(api, crisis_token, settings):
    settings.THROTTLE_CALLBACKS_PER_RESULT = "5/hour"
    assert ask_callback(api, crisis_token).status_code == 201
    keys = [key for key in cache._cache if "callbacks_per_result" in key]  # LocMemCache
    assert len(keys) == 1
    assert crisis_token not in keys[0]


@override_settings(THROTTLE_CALLBACKS="5/hour")
def test_the_per_client_limits_keep_no_address_in_the_cache(api, demo_data):
    # The keys and times in a shared cache would tie an address to a call-back request.
    address = "198.51.100.23"
    token = submit(api, (0,) * 8 + (2,), REMOTE_ADDR=address).json()["token"]
    assert ask_callback(api, token, REMOTE_ADDR=address).status_code == 201
    keys = list(cache._cache)  # LocMemCache
    assert any("throttle_submissions_" in key for key in keys)
    assert any("throttle_callbacks_" in key for key in keys)
    assert not [key for key in keys if address in key]


@override_settings(THROTTLE_CALLBACKS_PER_RESULT="2/hour")
def test_the_result_pages_call_back_form_shares_the_apis_limit(client, api, crisis_token):
    form = {"phone": "13912345678", "consent": "yes"}
    page = f"/r/{crisis_token}/callback/"
    assert client.post(page, {"phone": "1", "consent": "yes"}).status_code == 400, "not counted"
    assert client.post(page, form).status_code == 303
    assert ask_callback(api, crisis_token).status_code == 200
    refused = client.post(page, form)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert 'id="limit-error"' in html
    assert 'href="tel:12356"' in html


@override_settings(THROTTLE_CALLBACKS="1/hour")
def test_the_result_pages_form_counts_new_cases_against_the_address(client, api, demo_data):
    first, second = (submit(api, (0,) * 8 + (2,)).json()["token"] for _ in range(2))
    form = {"phone": "13912345678", "consent": "yes"}
    assert client.post(f"/r/{first}/callback/", form).status_code == 303
    assert client.post(f"/r/{first}/callback/", form).status_code == 303
    assert client.post(f"/r/{second}/callback/", form).status_code == 429


@override_settings(THROTTLE_CALLBACKS="", THROTTLE_CALLBACKS_PER_RESULT="")
def test_empty_call_back_rates_disable_their_throttles(api, crisis_token):
    url = f"/api/v1/submissions/{crisis_token}/callback/"
    body = {"phone": "13912345678", "consent": True}
    codes = {api.post(url, body, format="json").status_code for _ in range(12)}
    assert codes == {201, 200}

"""A moderate or severe result lists help off the phone, near the person's poster, and each
weekly session once with its next dates."""

import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from referrals.models import LocalService
from screening.models import Channel, QuestionnaireVersion, Submission

pytestmark = pytest.mark.django_db

MILD = (1, 1, 1, 1, 1, 1, 0, 0, 0)
MODERATE = (2, 2, 2, 2, 2, 0, 0, 0, 0)
SEVERE = (3, 3, 3, 3, 3, 3, 3, 3, 0)
CRISIS = (0, 0, 0, 0, 0, 0, 0, 0, 1)
# The demo's expert hours fall on Tuesday evenings and Saturday mornings.
MONDAY_NOON = datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
ANDING_CENTRE = "示例：安定区精神卫生中心"


def result_of(values, channel: str | None = "demo-gansu") -> Submission:
    version = QuestionnaireVersion.objects.current_for("phq-9")
    answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
    return Submission.create_from_answers(
        version=version,
        answers=answers,
        language="zh-hans",
        channel=Channel.objects.get(code=channel) if channel else None,
    )


def page_of(client, values, channel: str | None = "demo-gansu") -> str:
    return client.get(result_of(values, channel).result_path()).content.decode()


def test_services_are_listed_most_local_first(demo_data):
    names = [s.name for s in LocalService.objects.serving("621102")]
    # The district's own centre and village doctor, then the city's hospital clinic.
    assert names[0] == ANDING_CENTRE
    assert names[-1] == "示例：定西市人民医院心理门诊"
    assert [s.name for s in LocalService.objects.serving("620000")] == []
    assert list(LocalService.objects.serving("")) == []
    LocalService.objects.filter(name=ANDING_CENTRE).update(active=False)
    assert ANDING_CENTRE not in [s.name for s in LocalService.objects.serving("621102")]


def test_a_service_needs_a_region_code_and_a_number_that_dials(db):
    service = LocalService(
        region="定西",
        kind="hospital_clinic",
        name="x",
        phone="12356 24小时",
        last_verified=date.today(),
    )
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert set(refused.value.message_dict) == {"region", "phone"}


@pytest.mark.parametrize("values", [MODERATE, SEVERE, CRISIS], ids=["moderate", "severe", "crisis"])
def test_moderate_and_severe_results_list_help_near_the_poster(client, demo_data, values):
    page = page_of(client, values)
    assert "身边的帮助" in page
    assert ANDING_CENTRE in page
    assert 'href="tel:09328123400"' in page
    assert "示例地址：定西市安定区某路1号" in page
    # Another region's services are not listed.
    assert "海淀区" not in page


def test_a_mild_result_lists_no_services(client, demo_data):
    assert "身边的帮助" not in page_of(client, MILD)


def test_without_a_region_the_village_doctor_is_named_all_the_same(client, demo_data):
    page = page_of(client, MODERATE, channel=None)
    assert "身边的帮助" in page
    assert "乡村医生或乡镇卫生院" in page


def test_an_edited_service_shows_at_once(client, demo_data):
    assert ANDING_CENTRE in page_of(client, MODERATE)
    service = LocalService.objects.get(name=ANDING_CENTRE)
    service.name = "示例：安定区心理健康中心"
    service.save()
    page = page_of(client, MODERATE)
    assert "示例：安定区心理健康中心" in page and ANDING_CENTRE not in page


def test_the_api_result_carries_the_services_near_the_poster(api, demo_data):
    body = api.post(
        "/api/v1/questionnaires/phq-9/submissions/",
        {"answers": {f"phq9_{i}": v for i, v in enumerate(MODERATE, 1)}, "channel": "demo-gansu"},
        format="json",
    ).json()
    services = body["recommendation"]["local_services"]
    assert services[0] == {
        "name": ANDING_CENTRE,
        "kind": "mental_health_centre",
        "address": "示例地址：定西市安定区某路1号",
        "phone": "0932-8123400",
        "tel": "tel:09328123400",
        "hours": "周一至周五 8:00–17:30",
        "region": "621102",
        "last_verified": "2026-12-07",
    }


def test_the_sheet_prints_the_services_near_the_poster(client, demo_data, tmp_path):
    pdf = client.get(result_of(SEVERE).get_pdf_url()).content
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "身边的帮助" in flat
    assert ANDING_CENTRE in flat and "0932-8123400" in flat


def test_weekly_hours_are_listed_once_with_their_next_dates(client, demo_data):
    with time_machine.travel(MONDAY_NOON):
        page = page_of(client, MODERATE)
    section = page[page.index("找专家聊一聊") : page.index("身边的帮助")]
    assert section.count('class="series"') == 2  # Tuesday's hours and Saturday's
    # Each with its next three dates: Tuesdays 8, 15, 22 and Saturdays 12, 19, 26 December.
    for day in ("2026-12-08", "2026-12-15", "2026-12-22", "2026-12-12", "2026-12-19"):
        assert f'datetime="{day}T' in section
    assert section.count("<time ") == 6

"""The API contract front ends build on: the OpenAPI reference, its examples, TypeScript types."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def schema(api, db):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def has_example(response: dict) -> bool:
    return any("examples" in media or "example" in media for media in response["content"].values())


@pytest.mark.parametrize("name", ["MILD_RESULT", "MODERATE_RESULT", "CRISIS_RESULT"])
def test_the_result_examples_say_what_the_api_says(api, demo_data, name):
    # Front-end teams mock from these examples: a crisis example showing the low band's
    # reassurance, or a field the API does not send, would be built into their screens.
    from screening import api_examples

    example = getattr(api_examples, name)
    submit = "/api/v1/questionnaires/phq-9/submissions/"
    body = {"answers": example["answers"], "channel": example["channel"]}
    # Data (bands, hotlines) in Chinese as the examples show it; the code's own messages in
    # their English source text.
    chinese = api.post(f"{submit}?lang=zh-hans", body, format="json").json()
    english = api.post(f"{submit}?lang=en", body, format="json").json()
    assert set(example) == set(chinese)
    for field in ("total_score", "max_score", "tier", "crisis", "triggered_rules", "channel"):
        assert example[field] == chinese[field], field
    meaning = english if example["crisis"] else chinese
    assert example["band"] == chinese["band"] | {"meaning": meaning["band"]["meaning"]}
    assert example["hotlines"][0] == chinese["hotlines"][0]
    shown, real = example["recommendation"], english["recommendation"]
    assert set(shown) == set(real)
    assert shown["kind"] == real["kind"] and shown["message"] == real["message"]
    for items in ("items", "sessions", "hotlines", "local_services"):
        if shown.get(items):  # a list the example leaves empty has no fields to compare
            assert real[items], items
            assert set(shown[items][0]) == set(real[items][0]), items


def test_every_operation_shows_an_example_of_its_success(schema):
    missing = []
    for name, operation in operations(schema):
        successes = [r for code, r in operation["responses"].items() if code.startswith("2")]
        json_successes = [r for r in successes if "application/json" in r.get("content", {})]
        if successes and not json_successes:
            continue  # a binary download (the PDF): nothing to show
        if not any(has_example(r) for r in json_successes):
            missing.append(name)
    assert missing == []


def test_every_operation_documents_its_client_errors_with_an_example(schema):
    missing = []
    for name, operation in operations(schema):
        responses = operation["responses"]
        method, path = name.split(" ", 1)
        expected = set()
        if "{" in path:
            expected.add("404")
        if method == "POST":
            expected |= {"400", "413", "415", "429"}
        if method == "GET" and any(p["name"] == "page" for p in operation.get("parameters", [])):
            expected.add("404")  # a page past the end
        undocumented = expected - set(responses)
        if undocumented:
            missing.append(f"{name}: {sorted(undocumented)} undocumented")
        for code, response in responses.items():
            if code.startswith("4") and not ("content" in response and has_example(response)):
                missing.append(f"{name}: {code} has no example body")
    assert missing == []


def test_the_schema_explains_tier_crisis_kind_and_errors(schema):
    description = schema["info"]["description"]
    for term in ("`tier`", "`crisis`", "`recommendation.kind`", "**Errors**", "12356"):
        assert term in description


def test_every_api_operation_declares_the_lang_parameter(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            lang = [p for p in operation.get("parameters", []) if p["name"] == "lang"]
            assert len(lang) == 1, f"{method.upper()} {path}"
            assert lang[0]["in"] == "query"
            assert lang[0]["schema"]["enum"] == ["zh-hans", "en"]


def copy_of_the_contract(tmp_path: Path) -> Path:
    copy = tmp_path / "clients"
    (copy / "typescript").mkdir(parents=True)
    shutil.copy(ROOT / "clients" / "openapi.yaml", copy / "openapi.yaml")
    shutil.copy(ROOT / "clients" / "typescript" / "schema.d.ts", copy / "typescript")
    return copy


def check_client(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ROOT / "scripts" / "check-client.sh", directory],
        cwd=ROOT,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "VENV": str(Path(sys.executable).parent.parent),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )


needs_npm = pytest.mark.skipif(
    shutil.which("npm") is None,
    reason="the drift check generates the TypeScript types with openapi-typescript: needs npm",
)


@needs_npm
def test_the_drift_check_passes_on_the_committed_contract(tmp_path):
    result = check_client(copy_of_the_contract(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches the API schema" in result.stdout


@needs_npm
def test_the_drift_check_fails_when_the_contract_differs(tmp_path):
    copy = copy_of_the_contract(tmp_path)
    title = "title: Mental-health self-assessment API"
    yaml = copy / "openapi.yaml"
    yaml.write_text(yaml.read_text().replace(title, f"{title} (edited by hand)", 1))
    types = copy / "typescript" / "schema.d.ts"
    types.write_text(types.read_text().replace("total_score: number;", "total_score: string;", 1))
    result = check_client(copy)
    assert result.returncode == 1
    removed = [line for line in result.stdout.splitlines() if line.startswith("-")]
    assert any(line.endswith(f"{title} (edited by hand)") for line in removed)
    assert any(line.endswith("total_score: string;") for line in removed)
    assert "run `make client`" in result.stderr


def test_an_article_without_a_video_is_valid_without_format_checks(api, content, schema):
    # Many validators and mock servers do not check "format": "" must still match one branch.
    import jsonschema

    item = api.get("/api/v1/articles/").json()["results"][0]
    assert item["video_url"] == "" or item["cover_url"] == ""
    resolver = {"components": schema["components"]}
    article = schema["components"]["schemas"]["ArticleItem"] | resolver
    jsonschema.validate(item, article, cls=jsonschema.Draft4Validator)


@pytest.mark.parametrize(
    "component", ["Submission", "Question", "Hotline", "ArticleItem", "Article", "Session"]
)
def test_every_field_the_api_always_sends_is_required_in_the_schema(schema, component):
    # An optional `crisis` would let typed clients and mock servers treat it as maybe missing.
    properties = schema["components"]["schemas"][component]
    assert set(properties["properties"]) == set(properties["required"])

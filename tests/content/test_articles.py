"""Science-popularisation articles: only published ones, light enough for a weak signal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import Article

pytestmark = pytest.mark.django_db


def test_the_api_lists_published_articles_newest_first_with_summaries(api, content):
    Article.objects.create(slug="draft", title="草稿", summary="未发布", published=False)
    Article.objects.create(
        slug="tomorrow",
        title="明天发布",
        summary="还没到发布时间",
        published=True,
        published_at=timezone.now() + timedelta(days=1),
    )
    response = api.get("/api/v1/articles/")
    assert response.status_code == 200
    items = response.json()["results"]
    slugs = [item["slug"] for item in items]
    assert set(slugs) == set(Article.objects.published().values_list("slug", flat=True))
    assert "draft" not in slugs and "tomorrow" not in slugs
    dates = [item["published_at"] for item in items]
    assert dates == sorted(dates, reverse=True)
    for item in items:
        assert item["summary"], "a text summary always exists"
        assert item["url"] == f"http://testserver/articles/{item['slug']}/"


def test_one_article_by_slug_and_unpublished_ones_are_404(api, content):
    Article.objects.create(slug="draft", title="草稿", summary="未发布", published=False)
    article = Article.objects.published().first()
    body = api.get(f"/api/v1/articles/{article.slug}/").json()
    assert (body["title"], body["summary"]) == (article.title, article.summary)
    assert api.get("/api/v1/articles/draft/").status_code == 404
    assert api.get("/api/v1/articles/nope/").status_code == 404


def test_an_article_video_is_a_link_never_an_autoplaying_player(client, content):
    article = Article.objects.create(
        slug="video",
        title="视频：什么是焦虑",
        summary="三分钟的小视频。",
        video_url="https://video.example.org/anxiety.mp4",
        published=True,
    )
    page = client.get(f"/articles/{article.slug}/").content.decode()
    assert article.summary in page
    assert f'href="{article.video_url}"' in page
    assert "<video" not in page and "autoplay" not in page


def test_an_unknown_article_is_404_in_the_apis_words(api, content):
    response = api.get("/api/v1/articles/no-such-article/")
    assert response.status_code == 404
    assert response.json()["detail"] == "没有使用这个网址标识的已发布文章。"
    assert response.json()["hotlines"][0]["number"] == "12356"
    english = api.get("/api/v1/articles/no-such-article/", {"lang": "en"})
    assert english.json()["detail"] == "No published article with this slug."

"""Post search with Elasticsearch configured (``AXA_SEARCH_URL``) but not answering: searches of
posts are 503 (profiles and tags, on PostgreSQL, still answer), and every post write still queues
its index update from the outbox, which the ``socweb.search`` task retries while the server is
down. Against a live server the backend is tested in test_search.py."""
from __future__ import annotations

import pytest
from celery.exceptions import Retry
from sqlalchemy import select

from axa.models.socweb import OutboxEntry, db
from axa.models.socweb.search import Unavailable
from axa.models.socweb.search_es import query_text
from axa.tasks.socweb import search as search_tasks
from tests.conftest import set_settings
from tests.tasks.feeds_helpers import add_users, sign_in

SEARCH = "/api/v1/search"


@pytest.fixture
def down(apps, closed_port):
    app = apps["socweb"]
    set_settings(app, search_url=f"http://127.0.0.1:{closed_port}")
    return app


def index_rows(app) -> list[dict]:
    with app.app_context():
        return [row.payload for row in db.session.scalars(
            select(OutboxEntry).where(OutboxEntry.topic == "search.posts").order_by(OutboxEntry.id))]


def test_post_search_is_503_while_elasticsearch_is_down_and_profiles_still_answer(down):
    (ada,) = add_users(down, ["ada"])
    client = down.test_client()
    for params in ({"q": "penguin", "type": "posts"}, {"q": "penguin"}):
        answer = client.get(SEARCH, query_string=params)
        assert answer.status_code == 503, answer.get_json()
        assert answer.headers["Retry-After"] == "5" and "unavailable" in answer.get_json()["message"]
    answer = client.get(SEARCH, query_string={"q": "ada", "type": "profiles"})
    assert answer.status_code == 200 and [p["id"] for p in answer.get_json()["profiles"]] == [ada]


def test_every_post_write_queues_its_index_update_in_its_transaction(down, monkeypatch):
    sent = []
    monkeypatch.setattr(search_tasks.index_posts, "apply_async",
                        lambda kwargs=None, **options: sent.append(kwargs))
    (ada,) = add_users(down, ["ada"])
    client, headers = down.test_client(), sign_in(down, ada)
    post = client.post("/api/v1/posts", json={"body": "about penguins"}, headers=headers).get_json()["id"]
    assert client.patch(f"/api/v1/posts/{post}", json={"body": "walruses"}, headers=headers).status_code == 200
    assert client.delete(f"/api/v1/posts/{post}", headers=headers).status_code == 204
    assert index_rows(down) == [{"post_ids": [post]}] * 3  # written with the post, relayed after commit
    assert sent == [{"post_ids": [post]}] * 3


def test_without_elasticsearch_post_writes_queue_nothing_for_it(apps):
    app = apps["socweb"]
    set_settings(app, search_url="")
    (ada,) = add_users(app, ["ada"])
    answer = app.test_client().post("/api/v1/posts", json={"body": "hello"}, headers=sign_in(app, ada))
    assert answer.status_code == 201 and index_rows(app) == []


def test_the_index_task_fails_retryably_while_the_server_is_down(down, monkeypatch):
    (ada,) = add_users(down, ["ada"])
    with monkeypatch.context() as queued:  # the request's own publish: queued, not run here
        queued.setattr(search_tasks.index_posts, "apply_async", lambda **_: None)
        answer = down.test_client().post("/api/v1/posts", json={"body": "x"}, headers=sign_in(down, ada))
    post = answer.get_json()["id"]
    with down.app_context(), pytest.raises(Retry) as retry:  # eager: the retry it asks for surfaces
        search_tasks.index_posts.apply(kwargs={"post_ids": [post]}).get()
    assert isinstance(retry.value.exc, Unavailable)  # a worker would run it again later, with backoff


def test_or_between_words_keeps_its_meaning_and_quotes_are_left_alone():
    assert query_text('cats or dogs "salt or pepper" OR fish -cold drag*') == \
        'cats | dogs "salt or pepper" | fish -cold drag*'


def test_the_reindex_command_says_why_it_cannot_run(apps, closed_port):
    app = apps["socweb"]
    set_settings(app, search_url="")
    answer = app.test_cli_runner().invoke(args=["search-reindex"])
    assert answer.exit_code == 1 and "AXA_SEARCH_URL is not set" in answer.output
    set_settings(app, search_url=f"http://127.0.0.1:{closed_port}")
    answer = app.test_cli_runner().invoke(args=["search-reindex", "--batch", "10"])
    assert answer.exit_code == 1 and "Elasticsearch failed" in answer.output, answer.output


def test_a_cursor_of_another_list_is_422_before_elasticsearch_is_asked(down):
    tag_cursor = "WzEuMCwgImFiYyJd"  # [1.0, "abc"]: a tags cursor (its last item a tag)
    answer = down.test_client().get(SEARCH, query_string={"q": "penguin", "type": "posts", "cursor": tag_cursor})
    assert answer.status_code == 422, answer.get_json()

"""``stream.recommend``: each user's recommended channels (issue 11 item 8), scored by
axa/models/stream/recommender.py and stored in ``recommendations``.

* ``dispatch_recommendations()`` (beat): every user with a subscription, a watch history or a
  stored list, in batches of ``BATCH`` by user id, each batch a ``recommend_users`` task.
* ``recommend_users(user_ids)``: the batch's lists computed and stored in place of the old ones
  (idempotent: a rerun computes the same from the same data).
"""
from __future__ import annotations

from celery import shared_task
from sqlalchemy import select, union
from sqlalchemy.exc import OperationalError

from axa.models.stream import db, recommendations, recommender
from axa.models.stream.audience import WatchHistory
from axa.models.stream.recommendations import Recommendation
from axa.models.stream.subscriptions import Subscription
from axa.models.stream.viewer_settings import viewer_settings
from axa.platform import clock

BATCH = 200


def users_to_score() -> list[int]:
    users = union(select(Subscription.user_id), select(WatchHistory.user_id), select(Recommendation.user_id))
    return sorted(db.session.scalars(users))


@shared_task(name="stream.recommend.dispatch_recommendations", soft_time_limit=50, time_limit=60)
def dispatch_recommendations(batch: int = BATCH) -> int:
    """Queue one ``recommend_users`` per batch of users; how many batches."""
    users = users_to_score()
    db.session.commit()
    for start in range(0, len(users), batch):
        recommend_users.apply_async((users[start:start + batch],))
    return (len(users) + batch - 1) // batch


@shared_task(name="stream.recommend.recommend_users", autoretry_for=(OperationalError,), retry_backoff=True,
             retry_jitter=True, max_retries=5, soft_time_limit=110, time_limit=120)
def recommend_users(user_ids: list[int]) -> int:
    """Compute and store these users' lists; how many recommendations were stored."""
    ranked = recommender.recommend(user_ids, clock.now(), viewer_settings().recommendations_max)
    recommendations.replace(user_ids, ranked)
    db.session.commit()
    return sum(len(items) for items in ranked.values())

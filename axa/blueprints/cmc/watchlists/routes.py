"""Watchlists: several per user, named, each an ordered list of coins and stocks instruments with
their latest quotes; add, remove and reorder items; a share link anyone can read until revoked.

Another user's watchlist answers 404, as one that does not exist. Limits: ``AXA_CMC_WATCHLISTS_MAX``
lists per user and ``AXA_CMC_WATCHLIST_ITEMS_MAX`` items per list (409 with a ``reason`` past them).
"""
from __future__ import annotations

from flask.views import MethodView

from axa.blueprints.cmc.public import CACHE_HEADERS, public_read
from axa.blueprints.cmc.watchlists import presenter, service
from axa.blueprints.cmc.watchlists.schemas import (
    ItemCreateSchema,
    ItemSchema,
    ReorderSchema,
    SharedWatchlistSchema,
    ShareSchema,
    WatchlistNameSchema,
    WatchlistPatchSchema,
    WatchlistSchema,
    WatchlistSummarySchema,
)
from axa.blueprints.market.schemas import ID
from axa.models.cmc import Watchlist, db
from axa.platform.api import Blueprint
from axa.platform.auth_hook import current_session
from axa.platform.keyset import LINK_HEADER, KeysetQuerySchema, keyset_page, link_header

blp = Blueprint("watchlists", __name__, url_prefix="/api/v1",
                description="Watchlists of coins and stocks with their latest quotes; share links")
NOT_FOUND = "No such watchlist of yours"
TOKEN = {"in": "path", "name": "token", "description": "The share link's token (revoked or unknown: 404)",
         "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}


def me() -> int:
    return current_session().user_id


@blp.route("/watchlists")
class Watchlists(MethodView):
    @blp.login_required
    @blp.arguments(KeysetQuerySchema, location="query")
    @blp.response(200, WatchlistSummarySchema(many=True), headers=LINK_HEADER)
    def get(self, args):
        """My watchlists, newest first, without their items"""
        page = keyset_page(db.session, Watchlist.of_user(me()), Watchlist.id, args)
        return presenter.summaries(page.items), link_header(page)

    @blp.login_required
    @blp.idempotent
    @blp.arguments(WatchlistNameSchema)
    @blp.response(201, WatchlistSchema)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`), or you have as many "
                                       "watchlists as allowed (`watchlist_limit`)")
    def post(self, data):
        """Create an empty watchlist"""
        return presenter.view(service.create(me(), data["name"]), items=[])


@blp.route(f"/watchlists/<{ID}:watchlist_id>")
class WatchlistById(MethodView):
    @blp.login_required
    @blp.response(200, WatchlistSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, watchlist_id):
        """One of my watchlists: its items in order, each with its latest quote and `stale`"""
        return presenter.view(service.owned_or_404(me(), watchlist_id))

    @blp.login_required
    @blp.arguments(WatchlistPatchSchema, description="Only the fields to change")
    @blp.response(200, WatchlistSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="The name is taken (`duplicate_name`)")
    def patch(self, changes, watchlist_id):
        """Rename a watchlist"""
        return presenter.view(service.rename(service.owned_or_404(me(), watchlist_id), changes))

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, watchlist_id):
        """Delete a watchlist with its items (its share link stops working)"""
        db.session.delete(service.owned_or_404(me(), watchlist_id))
        db.session.commit()


@blp.route(f"/watchlists/<{ID}:watchlist_id>/items")
class WatchlistItems(MethodView):
    @blp.login_required
    @blp.idempotent
    @blp.arguments(ItemCreateSchema)
    @blp.response(201, ItemSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(409, description="Already in the list (`duplicate_item`), or the list is full "
                                       "(`item_limit`)")
    def post(self, data, watchlist_id):
        """Add a coin (by CMC id) or a stocks instrument (by symbol) to a watchlist"""
        item = service.add_item(service.owned_or_404(me(), watchlist_id, lock=True), data)
        return presenter.present_items([item])[0]

    @blp.login_required
    @blp.arguments(ReorderSchema)
    @blp.response(200, WatchlistSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def put(self, data, watchlist_id):
        """Reorder a watchlist's items: send all their ids in the new order"""
        watchlist = service.owned_or_404(me(), watchlist_id, lock=True)
        service.reorder(watchlist, data["item_ids"])
        return presenter.view(watchlist)


@blp.route(f"/watchlists/<{ID}:watchlist_id>/items/<{ID}:item_id>")
class WatchlistItemById(MethodView):
    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description="No such watchlist of yours, or no such item in it")
    def delete(self, watchlist_id, item_id):
        """Remove an item from a watchlist (the ones after it move up)"""
        service.remove_item(service.owned_or_404(me(), watchlist_id, lock=True), item_id)


@blp.route(f"/watchlists/<{ID}:watchlist_id>/share")
class WatchlistShare(MethodView):
    @blp.login_required
    @blp.response(200, ShareSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def put(self, watchlist_id):
        """Share a watchlist: its link (made once; the same link until revoked)"""
        watchlist = service.set_shared(service.owned_or_404(me(), watchlist_id, lock=True), True)
        return presenter.share_fields(watchlist)

    @blp.login_required
    @blp.response(204)
    @blp.alt_response(404, description=NOT_FOUND)
    def delete(self, watchlist_id):
        """Revoke a watchlist's share link (sharing again makes a new one)"""
        service.set_shared(service.owned_or_404(me(), watchlist_id, lock=True), False)


@blp.route("/shared/watchlists/<token>", parameters=[TOKEN])
class SharedWatchlist(MethodView):
    @public_read(blp, shared=True)
    @blp.response(200, SharedWatchlistSchema, headers=CACHE_HEADERS)
    @blp.alt_response(404, description="No watchlist is shared under this link")
    def get(self, token):
        """A shared watchlist, read without signing in: its name and items with their latest quotes"""
        return presenter.shared_view(service.shared_or_404(token))


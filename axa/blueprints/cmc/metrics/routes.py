"""``GET /api/v1/global-metrics``: the newest global crypto market metrics."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from axa.blueprints.cmc.listings.routes import CURRENCY
from axa.blueprints.cmc.metrics.schemas import GlobalMetricsSchema
from axa.blueprints.cmc.public import CACHE_HEADERS, public_read
from axa.models.cmc import GlobalMetrics, db
from axa.platform.api import Blueprint

blp = Blueprint("global_metrics", __name__, url_prefix="/api/v1/global-metrics",
                description="Global crypto market metrics")


@blp.route("")
class GlobalMetricsLatest(MethodView):
    @public_read(blp)
    @blp.response(200, GlobalMetricsSchema, headers=CACHE_HEADERS)
    @blp.alt_response(404, description="No metrics fetched yet")
    def get(self):
        """Total market cap and volume, dominance, counts: the newest USD snapshot"""
        latest = db.session.scalar(select(GlobalMetrics).where(GlobalMetrics.quote_currency == CURRENCY)
                                   .order_by(GlobalMetrics.as_of.desc()).limit(1))
        if latest is None:
            abort(404, message="No global metrics yet; they arrive with the next cmc.global run.")
        return latest

"""``stocks.poll.fetch_<vendor>``: vendor I/O only, one queue per vendor (and one for backfills)."""
from axa.tasks.stage_tasks import poll_task
from axa.tasks.stocks.flows import PIPELINE

fetch_fmp = poll_task(PIPELINE, "fmp")
fetch_fmp_bulk = poll_task(PIPELINE, "fmp", bulk=True)  # profiles, daily history
fetch_cbonds = poll_task(PIPELINE, "cbonds")
fetch_terrapin = poll_task(PIPELINE, "terrapin")

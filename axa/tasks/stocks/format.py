"""``stocks.format.store_batch``: normalize, validate, bulk-upsert, quarantine, count."""
from axa.tasks.stage_tasks import format_task
from axa.tasks.stocks.flows import PIPELINE

store_batch = format_task(PIPELINE)

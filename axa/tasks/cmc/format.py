"""``cmc.format.store_batch``: normalize, validate, bulk-upsert, quarantine, count."""
from axa.tasks.cmc.flows import PIPELINE
from axa.tasks.stage_tasks import format_task

store_batch = format_task(PIPELINE)

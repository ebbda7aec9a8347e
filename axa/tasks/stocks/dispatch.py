"""``stocks.dispatch.*``: beat's entry points into the ingest graph."""
from axa.tasks.stage_tasks import dispatch_tasks
from axa.tasks.stocks.flows import PIPELINE

start_run, run_due = dispatch_tasks(PIPELINE)

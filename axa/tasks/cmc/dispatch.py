"""``cmc.dispatch.*``: beat's entry points into the ingest graph."""
from axa.tasks.cmc.flows import PIPELINE
from axa.tasks.stage_tasks import dispatch_tasks

start_run, run_due = dispatch_tasks(PIPELINE)

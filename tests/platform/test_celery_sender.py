"""axa/platform/celery_sender.py, the app beat and Flower run on: no task module imported, and every
beat entry still routed by its task's name to the queue celeryconfig names for it."""
import json
import subprocess
import sys

import celeryconfig
from tests.conftest import ROOT

SCRIPT = """
import json, sys
from axa.platform.celery_sender import celery
celery.loader.import_default_modules()  # what beat and Flower do at start
routes = {entry["task"]: celery.amqp.router.route(entry.get("options", {}), entry["task"])["queue"].name
          for entry in celery.conf.beat_schedule.values()}
print(json.dumps({"modules": sorted(m for m in sys.modules if m.startswith("axa.tasks.")),
                  "registered": sorted(t for t in celery.tasks if not t.startswith("celery.")),
                  "routes": routes}))
"""


def test_beat_and_flower_import_no_task_module_and_every_entry_routes_by_name():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["modules"] == [] and found["registered"] == []
    assert len(found["routes"]) >= 10
    assert found["routes"] == {task: celeryconfig.TASK_QUEUES[task] for task in found["routes"]}

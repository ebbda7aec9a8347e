"""The Celery app of the processes that send or watch tasks but never run one: beat and Flower
(``celery -A axa.platform.celery_sender beat`` / ``flower``).

The same app and configuration as ``axa.platform.celery_app``, without importing the task modules
(``imports``): beat sends each schedule entry by its task's name, routed by ``task_routes`` (every
task is routed there by name), and Flower learns the tasks from the workers' events. Importing every
task module cost beat and Flower about 50 MiB each (bench/footprint.py).
"""
from axa.platform.celery_app import celery

celery.conf.update(imports=())

__all__ = ["celery"]

"""AXA Platform back end: six Flask subsystems and one Celery deployment."""

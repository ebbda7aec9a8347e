"""A tiny WSGI app for tests/ops/test_gunicorn_hooks.py: answers how many objects its worker froze."""
import gc

from flask import Flask

app = Flask(__name__)
app.add_url_rule("/", "frozen", lambda: {"frozen": gc.get_freeze_count()})

"""REST blueprints (flask-smorest), per subsystem: blueprints/<subsystem>/<resource>/."""

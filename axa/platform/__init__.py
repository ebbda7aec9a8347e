"""Shared plumbing: config, extensions, app factory steps, sessions, security, errors, health."""

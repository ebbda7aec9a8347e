"""``flask --app wsgi create-admin EMAIL``: create (or promote) the first admin."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from axa.models.auth import OutboxEntry, User, db
from axa.platform import passwords
from axa.tasks.auth.sync import relay_after_commit


@click.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", default="Administrator")
@with_appcontext
def create_admin(email: str, password: str, display_name: str) -> None:
    email = email.strip().lower()
    problems = passwords.policy_problems(password, email)
    if problems:
        raise click.ClickException(" ".join(problems))
    user = User.by_email(email)
    if user is None:
        user = User(email=email, display_name=display_name, status="active", roles=[], version=0,
                    password_hash=passwords.hash_password(password))
        db.session.add(user)
    user.roles = sorted({*(user.roles or []), "admin"})
    entry = OutboxEntry.user_changed(user)
    db.session.commit()
    relay_after_commit([entry.id])
    click.echo(f"admin {email} ready (id {user.id})")

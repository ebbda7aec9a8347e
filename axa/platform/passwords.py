"""Argon2id hashing (security.md decision 14) and the NIST-style password policy (item 18)."""
from __future__ import annotations

import functools
import gzip
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH, MAX_LENGTH = 8, 256


@functools.cache
def common_passwords() -> frozenset[str]:
    data = resources.files("axa.platform.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


@functools.cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher() -> PasswordHasher:
    s = current_app.config["AXA"]
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)


@functools.cache
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a dummy verify for unknown users)."""
    s = current_app.config["AXA"]
    target = stored_hash or _dummy_hash(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)
    try:
        ok = hasher().verify(target, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)


def policy_problems(password: str, email: str = "") -> list[str]:
    """Empty when acceptable. No composition rules, no truncation, no case folding."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Must be at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Must be at most {MAX_LENGTH} characters.")
    if password.lower() in common_passwords():
        problems.append("Too common; choose a password that is not on lists of common passwords.")
    if email and password.strip().lower() == email.strip().lower():
        problems.append("Must not be your email address.")
    return problems

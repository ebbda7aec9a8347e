"""Counter-based randomness and identifier check digits.

Every random number is a pure function of integers (a seed and some coordinates), so any price
or attribute can be computed on demand, in any order, from any thread, and is the same on every
start. ``Draw`` wraps ``random.Random`` for the one-off sequential generation of a universe.
"""
from __future__ import annotations

import math
import random
import zlib

MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(x: int) -> int:
    """splitmix64 finaliser."""
    x = (x + _GOLDEN) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def text_key(text: str) -> int:
    return zlib.crc32(text.encode())


def hash_ints(*parts: int) -> int:
    x = 0
    for part in parts:
        x = _mix(x ^ (part & MASK))
    return x


def unit(*parts: int) -> float:
    """A uniform number in [0, 1) determined by ``parts``."""
    return (hash_ints(*parts) >> 11) / float(1 << 53)


def gauss(*parts: int) -> float:
    """A standard normal number determined by ``parts`` (Box-Muller on one 64-bit hash)."""
    x = hash_ints(*parts)
    u1 = ((x >> 32) + 1) / 4294967297.0
    u2 = (x & 0xFFFFFFFF) / 4294967296.0
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


class Draw(random.Random):
    """Sequential draws for building a universe once; seeded, so every start agrees."""

    def pick_weighted(self, table: dict[str, float]) -> str:
        return self.choices(list(table), weights=list(table.values()))[0]

    def letters(self, n: int, alphabet: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ") -> str:
        return "".join(self.choice(alphabet) for _ in range(n))

    def digits(self, n: int) -> str:
        return "".join(self.choice("0123456789") for _ in range(n))

    def lognormal_between(self, low: float, high: float) -> float:
        return math.exp(self.uniform(math.log(low), math.log(high)))


def _char_value(ch: str) -> int:
    return int(ch, 36)


def isin_check_digit(body: str) -> str:
    """Luhn over the digit expansion of the 11-character ISIN body (A=10 ... Z=35)."""
    digits = "".join(str(_char_value(c)) for c in body)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def make_isin(body: str) -> str:
    assert len(body) == 11
    return body + isin_check_digit(body)


def valid_isin(isin: str) -> bool:
    return (len(isin) == 12 and isin[:2].isalpha() and isin.isalnum() and isin.isupper()
            and isin_check_digit(isin[:11]) == isin[11])


def cusip_check_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(body):
        v = _char_value(ch) * (2 if i % 2 == 1 else 1)
        total += v // 10 + v % 10
    return str((10 - total % 10) % 10)


def figi_check_digit(body: str) -> str:
    """OpenFIGI's modified Luhn: letters as numbers, every second character doubled."""
    total = 0
    for i, ch in enumerate(body):
        v = _char_value(ch) * (2 if i % 2 == 1 else 1)
        total += sum(int(d) for d in str(v))
    return str((10 - total % 10) % 10)


def lei_check_digits(body: str) -> str:
    """ISO 17442 (ISO 7064 MOD 97-10) over the 18-character LEI body."""
    number = int("".join(str(_char_value(c)) for c in body) + "00")
    return f"{98 - number % 97:02d}"

"""The synthetic universe: sizes, identifier check digits, uniqueness, determinism, build time."""
from __future__ import annotations

import time

from ops.sandbox.synth.bonds import CBONDS_RANGE, TERRAPIN_RANGE, bond_universe
from ops.sandbox.synth.crypto import crypto_universe
from ops.sandbox.synth.equities import equity_universe
from ops.sandbox.synth.rand import (
    cusip_check_digit,
    figi_check_digit,
    isin_check_digit,
    lei_check_digits,
    valid_isin,
)

SEED = 20250101


def test_check_digit_algorithms_match_published_identifiers():
    assert isin_check_digit("US037833100") == "5"        # Apple, US0378331005
    assert isin_check_digit("XS161068276") == "4"        # XS1610682764 (vendors.md)
    assert isin_check_digit("XS272451079") == "2"        # XS2724510792 (vendors.md)
    assert cusip_check_digit("03783310") == "0"          # 037833100
    assert lei_check_digits("213800KGF4EFNUQKAT") == "69"  # 213800KGF4EFNUQKAT69 (vendors.md)
    assert figi_check_digit("BBG000BLNNH") == "6"        # BBG000BLNNH6
    assert not valid_isin("US0378331006") and not valid_isin("us0378331005")


def test_universe_sizes_and_identifiers():
    equities = equity_universe(SEED).items
    assert len(equities) >= 5000
    assert len({e.symbol for e in equities}) == len(equities)
    assert all(valid_isin(e.isin) for e in equities)
    assert {e.exchange for e in equities} == {"NASDAQ", "NYSE", "AMEX", "LSE", "XETRA"}
    us = [e for e in equities if e.cusip]
    assert all(e.isin == f"US{e.cusip}{e.isin[-1]}" and e.cusip[-1] == cusip_check_digit(e.cusip[:8]) for e in us)
    assert all(len(e.cik) == 10 and e.cik.isdigit() for e in equities if e.cik)


def test_crypto_universe_has_shared_symbols_and_unique_slugs():
    universe = crypto_universe(SEED)
    active = [c for c in universe.coins if c.is_active]
    assert len(active) == 2000
    assert len({c.slug for c in universe.coins}) == len(universe.coins)
    assert any(len(coins) > 1 for coins in universe.by_symbol.values())
    assert any(c.platform is None for c in active) and any(c.platform for c in active)


def test_bond_universes_overlap_and_have_valid_codes():
    universe = bond_universe(SEED)
    assert len(CBONDS_RANGE) == 3000 and len(TERRAPIN_RANGE) == 3000
    cbonds = {universe.bonds[i].isin for i in CBONDS_RANGE}
    terrapin = {universe.bonds[i].isin for i in TERRAPIN_RANGE}
    assert len(cbonds & terrapin) == 2000
    assert all(valid_isin(b.isin) for b in universe.bonds)
    assert all(lei_check_digits(i.lei[:18]) == i.lei[18:] for i in universe.issuers)
    assert all(figi_check_digit(b.figi[:11]) == b.figi[11] for b in universe.bonds)


def test_universes_are_the_same_on_every_build_and_build_fast():
    started = time.process_time()  # CPU time, not wall time: the test machine is shared
    fresh = (equity_universe.__wrapped__(SEED), crypto_universe.__wrapped__(SEED), bond_universe.__wrapped__(SEED))
    assert time.process_time() - started < 2.0
    assert fresh[0].items == equity_universe(SEED).items
    assert fresh[1].coins == crypto_universe(SEED).coins
    assert fresh[2].bonds == bond_universe(SEED).bonds
    assert equity_universe.__wrapped__(SEED + 1).items[0] != fresh[0].items[0]

"""Random ids and codes: the right length, only their alphabet, every symbol equally likely."""

from __future__ import annotations

import string
from collections import Counter

import pytest

from eventpalour.models.types import new_id, random_string
from eventpalour.services.sales.fulfilment import SHORT_CODE_ALPHABET

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


def test_random_string_keeps_to_its_alphabet_and_length():
    for length in (1, 8, 16, 40):
        value = random_string(SHORT_CODE_ALPHABET, length)
        assert len(value) == length and set(value) <= set(SHORT_CODE_ALPHABET)
    ident = new_id()
    assert len(ident) == 16 and set(ident) <= set(string.ascii_lowercase + string.digits)


def test_random_string_is_not_biased_towards_the_first_symbols():
    # 31 symbols do not divide 256: without rejecting the top bytes, the first 8 would come up
    # 9/8 as often as the rest. 200,000 draws put that far outside the noise (about 1%).
    counts = Counter(random_string(SHORT_CODE_ALPHABET, 200_000))
    first, rest = SHORT_CODE_ALPHABET[:8], SHORT_CODE_ALPHABET[8:]
    ratio = (sum(counts[c] for c in first) / len(first)) / (sum(counts[c] for c in rest) / len(rest))
    assert len(counts) == len(SHORT_CODE_ALPHABET) and 0.97 < ratio < 1.03

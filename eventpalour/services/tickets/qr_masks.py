"""Which of the QR standard's eight masks a ticket's code is drawn with.

A reader finds a QR code by its three corner squares, each a dark-light-dark-light-dark run of
1:1:3:1:1 modules both ways through its centre. The door's camera reader (zxing-js) counts every
such run it finds, in the data too, and when it finds four or more equally good ones it keeps any
three: a code whose data happens to hold one is misread about half the time, and on a phone held
still over it, every time. Measured on our ticket tokens (EP1 and EP2 alike), zxing-js could not
read 5-6 % of them from a sharp picture, drawn with the mask the standard's penalty score picks.

The mask only decides which modules are flipped; every mask reads back to the same token. So each
code is drawn with the best-scoring mask (the standard's choice) whose data holds no corner-like
pattern, and no reader has a fourth corner to choose.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import groupby
from typing import Any

import qrcode
from qrcode.util import lost_point

MASKS = range(8)
FINDER_CENTRE = 3  # modules from the code's edge to a corner square's centre (inside the border)

Matrix = Sequence[Sequence[bool]]
Run = tuple[bool, int, int]  # dark, first index, length


def _runs(line: Sequence[bool]) -> list[Run]:
    """Each run of equal modules along `line`."""
    runs: list[Run] = []
    start = 0
    for dark, group in groupby(line):
        length = sum(1 for _ in group)
        runs.append((bool(dark), start, length))
        start += length
    return runs


@lru_cache(maxsize=4096)
def _corner_ratio(counts: tuple[int, ...]) -> bool:
    """ZXing's test for a corner square across one line: five runs within half a module of 1:1:3:1:1.
    (Run lengths are small whole numbers, so a handful of tuples recur: cached.)"""
    module = sum(counts) / 7
    slack = module / 2
    return all(abs(module - counts[i]) < slack for i in (0, 1, 3, 4)) and abs(3 * module - counts[2]) < 3 * slack


def _pattern_through(runs: list[Run], index: int) -> tuple[tuple[int, ...], float] | None:
    """The five runs around the dark run holding `index` and that run's centre, if it has two runs
    on each side."""
    at = bisect_right(runs, index, key=lambda run: run[1]) - 1
    if not runs[at][0] or at < 2 or at + 2 >= len(runs):
        return None
    _, start, length = runs[at]
    return tuple(runs[at + d][2] for d in (-2, -1, 0, 1, 2)), start + length / 2


def corner_like_centres(matrix: Matrix) -> set[tuple[int, int]]:
    """Every (row, column) a ZXing-style finder confirms as a corner square's centre: across its row,
    then down its column (with a similar width), then across again from the column's centre."""
    rows = [_runs(line) for line in matrix]
    columns: dict[int, list[Run]] = {}  # made when a row first points down one
    found: set[tuple[int, int]] = set()
    for row, runs in enumerate(rows):
        lengths = [length for _, _, length in runs]
        first_dark = 0 if runs[0][0] else 1
        for at in range(first_dark, len(runs) - 4, 2):  # a pattern starts on a dark run
            counts = tuple(lengths[at : at + 5])
            if not _corner_ratio(counts):
                continue
            column = int(runs[at + 2][1] + runs[at + 2][2] / 2)
            if column not in columns:
                columns[column] = _runs([line[column] for line in matrix])
            down = _pattern_through(columns[column], row)
            if down is None or not _corner_ratio(down[0]):
                continue
            if 5 * abs(sum(down[0]) - sum(counts)) >= 2 * sum(counts):
                continue
            centre_row = int(down[1])
            across = _pattern_through(rows[centre_row], column)
            if across is not None and _corner_ratio(across[0]):
                found.add((centre_row, int(across[1])))
    return found


def _corners(size: int, border: int) -> set[tuple[int, int]]:
    near, far = border + FINDER_CENTRE, size - border - FINDER_CENTRE - 1
    return {(near, near), (near, far), (far, near)}


def _drawn(data: str, mask: int | None, **options: Any) -> qrcode.QRCode:
    code = qrcode.QRCode(mask_pattern=mask, **options)
    code.add_data(data)
    code.make(fit=True)
    return code


def _bordered(modules: Matrix, border: int) -> list[list[bool]]:
    width = len(modules) + 2 * border
    margin = [[False] * width for _ in range(border)]
    return margin + [[False] * border + list(row) + [False] * border for row in modules] + margin


def false_corners(matrix: Matrix, border: int) -> int:
    """How many corner-like patterns a drawn code (its matrix with `border` light modules around)
    holds besides its three corners."""
    return len(corner_like_centres(matrix) - _corners(len(matrix), border))


@lru_cache(maxsize=8192)
def readable_mask(data: str, error_correction: int, border: int) -> int:
    """The mask to draw `data` with: the one the standard's penalty score prefers among those whose
    data holds no corner-like pattern (or, for the vanishing few codes with none such, the fewest)."""
    code = _drawn(data, 0, error_correction=error_correction, border=border)  # fixes version and data
    drawn = []
    for mask in MASKS:
        if mask:
            code.makeImpl(False, mask)  # a new matrix each time
        drawn.append((lost_point(code.modules), mask, code.modules))
    drawn.sort(key=lambda layout: layout[:2])
    tried: list[tuple[int, int]] = []
    for _, mask, modules in drawn:
        found = false_corners(_bordered(modules, border), border)
        if not found:
            return mask
        tried.append((found, mask))
    return min(tried, key=lambda attempt: attempt[0])[1]  # the fewest; the best score among equals


def readable_qr(data: str, *, error_correction: int, border: int, **drawing: Any) -> qrcode.QRCode:
    """A QR code of `data` drawn with `readable_mask`'s mask; `drawing` (box_size, image_factory)
    goes to qrcode.QRCode as it is."""
    mask = readable_mask(data, error_correction, border)
    return _drawn(data, mask, error_correction=error_correction, border=border, **drawing)

"""Ticket QR codes are drawn with a mask that leaves no corner-like pattern in their data (qr_masks),
and still read back to their token."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import lost_point

from eventpalour.services.tickets import qr_masks, ticket_media
from tests.qr_codes import ticket_codes

BORDER = ticket_media.QR_OPTIONS["border"]


def _layouts(token: str) -> list[tuple[int, int, list]]:
    """(penalty score, mask, matrix with border) of each of the eight masks, best score first."""
    code = qr_masks._drawn(token, 0, error_correction=ERROR_CORRECT_M, border=BORDER)
    layouts = []
    for mask in qr_masks.MASKS:
        code.makeImpl(False, mask)
        layouts.append((lost_point(code.modules), mask, code.get_matrix()))
    return sorted(layouts, key=lambda layout: layout[:2])


def test_the_finder_model_sees_the_three_corners_and_a_planted_fourth():
    size = 21 + 2 * BORDER
    matrix = [[False] * size for _ in range(size)]

    def square(top: int, left: int) -> None:  # a corner square: 7×7 ring, 3×3 centre
        for y in range(7):
            for x in range(7):
                ring = y in (0, 6) or x in (0, 6)
                centre = 2 <= y <= 4 and 2 <= x <= 4
                matrix[top + y][left + x] = ring or centre

    for top, left in ((BORDER, BORDER), (BORDER, size - BORDER - 7), (size - BORDER - 7, BORDER)):
        square(top, left)
    corners = {(BORDER + 3, BORDER + 3), (BORDER + 3, size - BORDER - 4), (size - BORDER - 4, BORDER + 3)}
    assert qr_masks.corner_like_centres(matrix) == corners
    assert qr_masks.false_corners(matrix, BORDER) == 0

    square(size - BORDER - 7, size - BORDER - 7)  # where a fourth corner would be
    assert qr_masks.false_corners(matrix, BORDER) == 1


def test_a_code_whose_best_scoring_mask_holds_a_false_corner_is_drawn_with_the_next_clean_one():
    for token in ticket_codes(400, seed=3):
        layouts = _layouts(token)
        if qr_masks.false_corners(layouts[0][2], BORDER):
            break
    else:
        raise AssertionError("no token in 400 had a false corner under its best-scoring mask")
    clean = [mask for _, mask, matrix in layouts if not qr_masks.false_corners(matrix, BORDER)]
    assert qr_masks.readable_mask(token, ERROR_CORRECT_M, BORDER) == clean[0] != layouts[0][1]


def test_every_ticket_code_holds_only_its_corners_and_reads_back_to_its_token():
    for token in ticket_codes(60, seed=5):
        matrix = ticket_media._qr(token, 1).get_matrix()
        assert qr_masks.false_corners(matrix, BORDER) == 0, token
        picture = Image.open(io.BytesIO(ticket_media.qr_png(token, box_size=4)))
        found = zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [result.text for result in found] == [token]

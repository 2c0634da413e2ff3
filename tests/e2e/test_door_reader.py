"""The door's camera reader is zxing-js (@zxing/browser, bundled into the scanner page by the
production build). Here it reads ticket QR codes in Chromium exactly as the page reads a camera
frame (drawn on a canvas, binarized, decoded): every code must read first time, from one still
picture, because a phone held steady over a ticket sees the same picture again and again."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import Browser

from eventpalour.services.tickets import ticket_media
from tests.dbsetup import PROJECT_ROOT
from tests.qr_codes import ticket_codes

pytestmark = pytest.mark.e2e

ZXING_BROWSER = PROJECT_ROOT / ".web" / "node_modules" / "@zxing" / "browser" / "umd" / "zxing-browser.min.js"

READ_ALL = """async (urls) => {
  const reader = new ZXingBrowser.BrowserQRCodeReader();
  const texts = [];
  for (const url of urls) {
    try { texts.push((await reader.decodeFromImageUrl(url)).getText()); } catch (error) { texts.push(null); }
  }
  return texts;
}"""


def test_the_door_reader_reads_every_ticket_code_from_one_picture(server: str, browser: Browser):
    # `server` built the production app, whose node_modules hold the very reader the page bundles.
    assert ZXING_BROWSER.exists(), f"the build has no {ZXING_BROWSER}"
    tokens = ticket_codes(240, seed=18)
    urls = [
        "data:image/png;base64," + base64.b64encode(ticket_media.qr_png(token, box_size=6)).decode() for token in tokens
    ]
    page = browser.new_page()
    try:
        page.add_script_tag(path=str(ZXING_BROWSER))
        texts = page.evaluate(READ_ALL, urls)
    finally:
        page.close()
    unread = [token for token, text in zip(tokens, texts, strict=True) if text != token]
    assert not unread, f"{len(unread)} of {len(tokens)} ticket codes did not read: {unread[:5]}"

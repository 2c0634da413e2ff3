"""The door's camera QR reader: qr_scanner.jsx (next to this file) around @zxing/browser, a maintained
pure-JavaScript port of ZXing that needs no WebAssembly download (doors often have poor internet)."""

from __future__ import annotations

import reflex as rx
from reflex.event import no_args_event_spec, passthrough_event_spec

ZXING_BROWSER = "@zxing/browser@0.2.1"
_LIBRARY = rx.asset("qr_scanner.jsx", shared=True).importable_path


class QrScanner(rx.Component):
    """A live camera view that fires `on_scan(text)` for each QR code it reads (a repeat within
    `repeat_ms` is ignored) and `on_error(message)` when the camera cannot start."""

    library = _LIBRARY
    lib_dependencies: list[str] = [ZXING_BROWSER]
    tag = "QrScanner"

    repeat_ms: rx.Var[int]
    on_scan: rx.EventHandler[passthrough_event_spec(str)]
    on_error: rx.EventHandler[passthrough_event_spec(str)]


class OfflineQrScanner(rx.Component):
    """The camera of a scanner page opened with no network: shown only while the offline door
    (assets/door/door.js) decides scans, which it hands every read to."""

    library = _LIBRARY
    lib_dependencies: list[str] = [ZXING_BROWSER]
    tag = "OfflineQrScanner"

    repeat_ms: rx.Var[int]


class ScanSignal(rx.Component):
    """Renders nothing; buzzes, beeps and brings the result into view each time `count` goes up, with
    the signal `signals` gives `result` (`fallback` for a result it does not name)."""

    library = _LIBRARY
    tag = "ScanSignal"

    count: rx.Var[int]
    result: rx.Var[str]
    signals: rx.Var[dict]
    fallback: rx.Var[list]
    box_id: rx.Var[str]
    header_id: rx.Var[str]


class Every(rx.Component):
    """Renders nothing; fires `on_tick` every `seconds` while on the page."""

    library = _LIBRARY
    tag = "Every"

    seconds: rx.Var[int]
    on_tick: rx.EventHandler[no_args_event_spec]


qr_scanner = QrScanner.create
offline_qr_scanner = OfflineQrScanner.create
every = Every.create
scan_signal = ScanSignal.create

"""The HTML of the sandbox's hosted checkout: one small, phone-friendly page per transaction."""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

from eventpalour.sandbox.paystack.store import Transaction
from eventpalour.services.platform import format_money

_STYLE = """
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,sans-serif;background:#f3f5f9;margin:0;
color:#1b1f29;display:grid;place-items:center;min-height:100vh;padding:16px}
main{background:#fff;border-radius:14px;box-shadow:0 6px 28px #0002;width:100%;max-width:420px;padding:28px}
.badge{display:inline-block;background:#fff4d6;color:#6b4e00;border-radius:999px;padding:2px 10px;
font-size:13px;font-weight:600}h1{font-size:20px;margin:14px 0 4px}.who{color:#4a5163;margin:0 0 18px;
overflow-wrap:anywhere}.amount{font-size:30px;font-weight:700;margin:0 0 20px}fieldset{border:1px solid #d5d9e2;
border-radius:10px;margin:0 0 18px;padding:10px 14px}legend{font-weight:600;padding:0 4px}
fieldset label{display:flex;gap:8px;align-items:center;padding:6px 0;font-size:16px}
button,a.button{display:block;width:100%;min-height:48px;font-size:17px;font-weight:600;border-radius:10px;
border:0;margin-top:10px;cursor:pointer;text-align:center;text-decoration:none;line-height:48px}
.pay{background:#0b8a4a;color:#fff}.fail{background:#fde8e8;color:#8c1d1d}.abandon{background:#eef0f5;
color:#1b1f29}button:focus-visible,a.button:focus-visible,input:focus-visible{outline:3px solid #1a56db;
outline-offset:2px}.note{color:#4a5163;font-size:14px;margin-top:18px}
"""


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Paystack sandbox</title><style>{_STYLE}</style></head>
<body><main><span class="badge">Test mode: no real money moves</span>{body}</main></body></html>"""
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def checkout_page(tx: Transaction) -> HTMLResponse:
    """The three choices a tester has: pay, fail, or walk away."""
    amount = format_money(tx.amount, tx.currency)
    channels = ""
    if tx.currency == "KES":
        channels = """<fieldset><legend>Pay with</legend>
<label><input type="radio" name="channel" value="card" checked> Card</label>
<label><input type="radio" name="channel" value="mobile_money"> M-PESA</label></fieldset>"""
    body = f"""<h1>Pay EventPalour</h1>
<p class="who">{escape(tx.email)}</p>
<p class="amount" id="amount">{escape(amount)}</p>
<form method="post">{channels}
<button class="pay" type="submit" name="action" value="pay" aria-describedby="amount">Pay</button>
<button class="fail" type="submit" name="action" value="fail">Fail</button>
<button class="abandon" type="submit" name="action" value="abandon">Abandon</button>
</form>
<p class="note">Sandbox checkout for reference {escape(tx.reference)}. "Pay" succeeds and notifies the shop,
"Fail" declines the payment, "Abandon" leaves without paying.</p>"""
    return _page(f"Pay {amount}", body)


def finished_page(tx: Transaction, return_url: str | None) -> HTMLResponse:
    """Shown when the link was already used, or when the shop gave no callback URL."""
    words = {
        "success": "This payment was successful.",
        "reversed": "This payment was successful and has since been refunded.",
        "failed": "This payment was declined.",
        "abandoned": "This payment was cancelled.",
    }
    back = f'<a class="button abandon" href="{escape(return_url)}">Return to the shop</a>' if return_url else ""
    body = f"""<h1>{escape(format_money(tx.amount, tx.currency))}</h1>
<p class="who" role="status">{escape(words.get(tx.status, "This payment link has been used."))}</p>{back}
<p class="note">You can close this window.</p>"""
    return _page("Payment", body)


def missing_page() -> HTMLResponse:
    body = """<h1>Payment link not found</h1>
<p class="who" role="alert">This payment link is invalid or has expired. Go back to the shop and try again.</p>"""
    return _page("Not found", body, status_code=404)

"""The Paystack sandbox (contract §13): Paystack's HTTP API, a hosted checkout page and signed webhooks.

It answers `POST /transaction/initialize`, `GET /transaction/verify/:reference`, `POST /refund` and
`GET /refund/:id` with Paystack's envelopes, status codes and error messages, behind
`Authorization: Bearer <sk_test_…>` (the key `integrations.paystack.sandbox_account()` derives from
SECRET_KEY). The checkout page at `authorization_url` lets a tester pay, fail or abandon; paying sends
a signed `charge.success` webhook to the app after the browser has been redirected. All state lives
in the database, so any worker can answer any request.

The modules, one job each:
- `routes`: the router (Paystack's endpoints, the checkout page) — mounted by `api.create_api()`;
- `transactions`: initialize, verify, and settling a transaction (Pay / Fail / Abandon);
- `refunds`: queueing refunds and moving them along;
- `webhooks`: recording, signing and delivering webhooks;
- `test_controls`: the `/_test/...` hooks tests use, and the demo seed's payment;
- `controls`: the switches those hooks turn; `calls`: key check, body, thread hop;
- `store`: every statement on the sandbox tables, returning typed rows;
- `shapes` and `checkout_page`: the JSON and HTML the sandbox answers with.
"""

from eventpalour.sandbox.paystack.routes import router
from eventpalour.sandbox.paystack.test_controls import paid_at_checkout
from eventpalour.sandbox.paystack.transactions import settle

__all__ = ["paid_at_checkout", "router", "settle"]

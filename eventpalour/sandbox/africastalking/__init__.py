"""The SMS sandbox: Africa's Talking's messaging endpoint over real HTTP, for development and tests.

`POST /api/sandbox/africastalking/version1/messaging` takes the form fields and `apiKey` header that
Africa's Talking takes (integrations/sms.py states the contract) and answers with its JSON, recording
every recipient's message in the database (so any worker can answer and /dev/outbox can list them).
Test hooks under `/_test/` (same `apiKey`): `PUT /_test/controls {"fail_next": 1}` makes the next
recipient fail with 500 InternalServerError (the outbox then retries), `DELETE /_test/controls`
resets, `GET /_test/messages` lists what was received.

- `routes`: the router, mounted by `api.create_api()` when SMS_PROVIDER is the sandbox;
- `store`: every statement on the sandbox's tables.
"""

from eventpalour.sandbox.africastalking.routes import router
from eventpalour.sandbox.africastalking.store import ReceivedSms, received_messages

__all__ = ["ReceivedSms", "received_messages", "router"]

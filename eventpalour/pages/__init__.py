"""Every page of the app; importing this package registers their routes."""

from eventpalour.pages import (  # noqa: F401
    account,
    dev_outbox,
    forgot,
    home,
    onboarding,
    reset,
    sign_in,
    sign_up,
    verify,
)

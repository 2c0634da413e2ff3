"""Development stand-ins for Google sign-in and Paystack, used when no real keys are configured.

They follow the providers' HTTP contracts (shared/contracts/paystack-google.md), so the app's
integration code runs unchanged against them, in `make run` and in tests.
"""

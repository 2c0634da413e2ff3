"""The only code that talks to the outside world (SMTP, Paystack, Google, file storage)."""

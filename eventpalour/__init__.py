"""EventPalour: event management and ticketing (Reflex app package)."""

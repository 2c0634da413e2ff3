"""Every business rule of SPEC.md, one module per area, one function per action."""

"""EventPalour: event management and ticketing (Reflex app package)."""

import warnings

import authlib.deprecate  # noqa: F401  (installs authlib's "always" filter, which ours must follow)

# authlib prefers the httpx2 fork but works with the httpx our stack pins; its import-time nag is noise.
warnings.filterwarnings("ignore", message="The httpx module is deprecated")

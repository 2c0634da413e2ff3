"""The sign-in sandbox's RSA signing key, kept in DATA_DIR so every worker signs with the same key."""

from __future__ import annotations

import json
import os
from functools import lru_cache

from joserfc.jwk import RSAKey

from eventpalour.config import settings

KEY_ID = "eventpalour-sandbox-1"


def _key_path():
    return settings.data_dir / "sandbox_oidc_key.json"


@lru_cache(maxsize=1)
def signing_key() -> RSAKey:
    """Load the key, creating it once. The file appears whole (hard link), so racing workers agree."""
    path = _key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"}, private=True)
        draft = path.with_suffix(f".{os.getpid()}.tmp")
        draft.write_text(json.dumps(key.as_dict(private=True)))
        os.chmod(draft, 0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return RSAKey.import_key(json.loads(path.read_text()))


def public_jwks() -> dict[str, list[dict[str, object]]]:
    return {"keys": [signing_key().as_dict(private=False)]}

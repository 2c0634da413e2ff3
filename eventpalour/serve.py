"""`python -m eventpalour.serve`: the production server for a frontend built beforehand (the
container image's command, docs/deploy.md).

`reflex run --env prod` does two things on every start: it compiles the app and builds the
frontend (bun and Node, minutes of CPU), then serves the backend with the built pages mounted on
one port. An image builds the frontend once (`reflex export --frontend-only --no-zip --env prod`
in the Dockerfile), so its containers do only the second half, through the same Reflex function
`reflex run` calls after its build: granian with GRANIAN_WORKERS processes, pages, /api and the
`/_event` websocket on BACKEND_PORT. A missing build stops the start with a clear message instead
of serving an API without pages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reflex.utils import exec as reflex_exec
from reflex_base import constants
from reflex_base.config import get_config
from reflex_base.environment import environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILT_PAGES = PROJECT_ROOT / ".web" / "build" / "client"


def missing_build() -> str | None:
    """Why the built frontend cannot be served, or None."""
    if (BUILT_PAGES / "index.html").is_file():
        return None
    return (
        f"No built frontend at {BUILT_PAGES}. Build it once with "
        "`reflex export --frontend-only --no-zip --env prod` (the Dockerfile does), or use `make run`."
    )


def main() -> None:
    if problem := missing_build():
        sys.exit(problem)
    os.chdir(PROJECT_ROOT)  # Reflex finds rxconfig.py and the app module from the working directory
    # What `reflex run --env prod` sets before it starts the backend: production mode, and no second
    # compile in the workers (the build above is what they serve).
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    config = get_config()
    reflex_exec.run_backend_prod(
        config.backend_host,
        config.backend_port,
        config.loglevel.subprocess_level(),
        mount_frontend_compiled_app=True,
    )


if __name__ == "__main__":
    main()

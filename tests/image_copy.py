"""A copy of the project as the container image holds it, to build and serve from beside the
project folder: a second production build (the scale-out server, the image's own steps) then never
touches the `.web` that the browser tests serve from, so both can run at the same time."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.dbsetup import PROJECT_ROOT

DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text()


def image_copy(root: Path) -> Path:
    """/app as the image has it: what the runtime stage copies from the build stage, plus what the
    build stage's commands read; this machine's installed .venv and node_modules linked in."""
    copied = re.findall(r"^COPY --from=build (?:--chown=\S+ )?(.+) \S+$", DOCKERFILE, re.M)
    names = {Path(part).name for line in copied for part in line.split()} - {".venv", ".web"}
    root.mkdir()
    for name in sorted(names | {"env.sh", "package.json", "requirements.txt"}):
        source = PROJECT_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(
            source, root / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if source.is_dir() else {})
        )
    for linked in (".venv", "node_modules"):
        (root / linked).symlink_to((PROJECT_ROOT / linked).resolve())
    return root

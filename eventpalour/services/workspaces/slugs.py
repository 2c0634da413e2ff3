"""A workspace's public slug, the address of its organizer page /o/{slug} (#20 §6).

Made from the name when the workspace is created: lowercase ASCII words joined by dashes
("Café Ñandú Nights" → "cafe-nandu-nights"), numbered on collision ("-2", "-3"…). Renaming the
workspace keeps it, so shared links keep working; only the owner changes it, in the settings, and a
chosen slug is checked against the same rules.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour.db import transaction
from eventpalour.models import Workspace
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, ValidationFailed, clean_line, message
from eventpalour.services.workspaces.access import WorkspaceAction, load_workspace_for

MIN_LENGTH = 3
MAX_LENGTH = 60
FALLBACK = "organizer"  # a name with no ASCII letter or digit at all ("ساحة")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words that read as the site's own pages rather than an organizer's.
TAKEN = N_("Another organizer already has that address. Choose another one.")
RESERVED = frozenset({"admin", "api", "events", "new", "settings", "support", "eventpalour", "help", "legal"})


def slug_base(name: str) -> str:
    """The slug a name makes before any number: accents dropped, other characters become dashes."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    base = "-".join(words)[:MAX_LENGTH].strip("-")
    if len(base) < MIN_LENGTH or base in RESERVED:
        base = f"{base}-{FALLBACK}" if base else FALLBACK
    return base


def numbered(base: str, number: int) -> str:
    """`base` for the first, `base-2`, `base-3`… after it, cut so the whole stays within MAX_LENGTH."""
    if number == 1:
        return base
    suffix = f"-{number}"
    return base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix


def available_slug(session: Session, name: str) -> str:
    """The first of `slug_base(name)`, `-2`, `-3`… that no workspace has (the unique index is the last word)."""
    base = slug_base(name)
    # A long base loses its tail to the number ("-12"), so look up every slug sharing its first part.
    prefix = base[: MAX_LENGTH - 8]
    taken = set(session.exec(select(Workspace.slug).where(col(Workspace.slug).startswith(prefix))).all())
    number = 1
    while numbered(base, number) in taken:
        number += 1
    return numbered(base, number)


def slug_refusal(slug: str) -> str | None:
    """Why `slug` cannot be a workspace's address (its form, not whether it is taken); None when it can."""
    if not MIN_LENGTH <= len(slug) <= MAX_LENGTH:
        return message(
            N_("Use between {least} and {most} characters for the page address."), least=MIN_LENGTH, most=MAX_LENGTH
        )
    if not SLUG_PATTERN.match(slug):
        return N_("Use lowercase letters a–z, digits and single dashes between words, like nairobi-jazz.")
    if slug in RESERVED:
        return N_("That address is reserved. Choose another one.")
    return None


def change_slug(*, actor: UserSummary | None, workspace_id: str, slug: str) -> str:
    """Give the workspace a new public address (owner only). Old links to /o/{old} stop working.

    Raises NotAuthenticated, NotFound, PermissionDenied, ValidationFailed (its form, or taken).
    """
    wanted = clean_line(slug).lower()
    problem = slug_refusal(wanted)
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.OWN)
        if problem:
            raise ValidationFailed.field("slug", problem)
        if wanted == access.workspace.slug:
            return wanted
        holder = session.exec(select(Workspace.id).where(Workspace.slug == wanted)).first()
        if holder is not None:
            raise ValidationFailed.field("slug", TAKEN)
        old = access.workspace.slug
        access.workspace.slug = wanted
        access.workspace.updated_at = utcnow()
        try:
            session.flush()
        except IntegrityError as error:  # taken a moment ago by another workspace
            raise ValidationFailed.field("slug", TAKEN) from error
        admin.record_audit(
            session,
            action="workspace.slug",
            actor_id=actor.id,
            target=("workspace", workspace_id),
            details={"old": old, "new": wanted},
        )
        return wanted

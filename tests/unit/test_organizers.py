"""Public organizer pages (#20 §6): the slug rules, the migration's backfill, the profile (only
public events, upcoming and past), the sitemap's list, and onboarding as an organizer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import text, update
from sqlmodel import select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import Event, EventStatus, Workspace
from eventpalour.models.types import new_id, utcnow
from eventpalour.services.events import lifecycle
from eventpalour.services.events.organizers import get_organizer_profile, list_sitemap_organizers
from eventpalour.services.platform import NotFound, PermissionDenied, ValidationFailed
from eventpalour.services.workspaces import records, slugs
from eventpalour.state.auth import OnboardingState
from eventpalour.state.organizer import OrganizerState
from eventpalour.state.workspace import WorkspaceSettingsState, WorkspaceState
from tests.dbsetup import alembic_config
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for

BEFORE = "a3f0d7c2e915"  # the revision before 5b9e3d7a1c24 (workspaces.slug)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Nairobi Jazz Society", "nairobi-jazz-society"),
        ("  Café Ñandú — Nights!! ", "cafe-nandu-nights"),
        ("KAMPALA   Comedy_Club 2026", "kampala-comedy-club-2026"),
        ("ساحة الفن", "organizer"),
        ("AB", "ab-organizer"),
        ("Admin", "admin-organizer"),
        ("x" * 70, "x" * 60),
        ("word " * 20, ("word-" * 12)[:60].strip("-")),
    ],
)
def test_slug_base_is_lowercase_ascii_words_joined_by_dashes(name, slug):
    assert slugs.slug_base(name) == slug
    assert slugs.slug_refusal(slugs.slug_base(name)) is None


def test_numbered_slugs_stay_within_the_limit():
    assert slugs.numbered("jazz", 1) == "jazz"
    assert slugs.numbered("jazz", 2) == "jazz-2"
    assert slugs.numbered("x" * 60, 12) == "x" * 57 + "-12"


def test_workspaces_with_the_same_name_are_numbered_and_keep_their_slug_through_a_rename():
    owner = make_organizer()
    first, second, third = (make_workspace(owner, name="Savannah Sounds") for _ in range(3))
    assert [first.slug, second.slug, third.slug] == ["savannah-sounds", "savannah-sounds-2", "savannah-sounds-3"]

    renamed = records.update_workspace(
        actor=owner.summary,
        workspace_id=first.id,
        data=records.WorkspaceInput(name="Savannah Sound System", description="Live jazz every Friday."),
    )
    assert renamed.name == "Savannah Sound System" and renamed.slug == "savannah-sounds"
    assert make_workspace(owner, name="Savannah Sounds").slug == "savannah-sounds-4"
    long_name = "Nairobi " + "Jazz " * 20
    slugs_of_long = [make_workspace(owner, name=long_name).slug for _ in range(3)]
    assert slugs_of_long[0] == slugs.slug_base(long_name) and len(set(slugs_of_long)) == 3
    assert all(len(slug) <= 60 for slug in slugs_of_long) and slugs_of_long[2].endswith("-3")


def test_only_the_owner_changes_the_slug_and_every_bad_one_is_refused_unchanged():
    owner, admin = make_organizer(), make_organizer()
    workspace = make_workspace(owner, name="Savannah Sounds")
    other = make_workspace(make_organizer(), name="Taken Name")
    add_member(workspace.id, admin, "admin")

    with pytest.raises(PermissionDenied):
        slugs.change_slug(actor=admin.summary, workspace_id=workspace.id, slug="admins-pick")
    for bad in ["ab", "x" * 61, "Has Spaces", "double--dash", "-edge", "emoji-🎷", "admin", "new"]:
        with pytest.raises(ValidationFailed) as refused:
            slugs.change_slug(actor=owner.summary, workspace_id=workspace.id, slug=bad)
        assert refused.value.details[0].path == ("slug",)
    with pytest.raises(ValidationFailed, match="already has that address"):
        slugs.change_slug(actor=owner.summary, workspace_id=workspace.id, slug=other.slug)
    with read_only() as session:
        assert session.get(Workspace, workspace.id).slug == "savannah-sounds"

    assert slugs.change_slug(actor=owner.summary, workspace_id=workspace.id, slug=" Savannah-Live ") == "savannah-live"
    assert records.get_workspace(actor=owner.summary, workspace_id=workspace.id).slug == "savannah-live"
    assert records.get_workspace(actor=owner.summary, workspace_id=workspace.id).can_change_slug
    assert not records.get_workspace(actor=admin.summary, workspace_id=workspace.id).can_change_slug
    assert get_organizer_profile("savannah-live").name == "Savannah Sounds"
    with pytest.raises(NotFound):
        get_organizer_profile("savannah-sounds")  # the old address is free again, and answers nothing


def test_the_migration_gives_existing_workspaces_slugs_oldest_first():
    owner = make_organizer()
    config = alembic_config(settings.database_url)
    command.downgrade(config, BEFORE)
    try:
        now = utcnow()
        with transaction() as session:
            for age, name in enumerate(["Jazz Nights", "Jazz  nights!", "Café Ümlaut", "ساحة", "Jazz Nights", "Admin"]):
                session.execute(
                    text(
                        "INSERT INTO workspaces (id, name, description, invite_code, owner_id, verified,"
                        " kyc_status, created_at, updated_at)"
                        " VALUES (:id, :name, 'Old workspace', :code, :owner, false, 'none', :at, :at)"
                    ),
                    {
                        "id": f"old{age}",
                        "name": name,
                        "code": new_id(12),
                        "owner": owner.id,
                        "at": now - timedelta(days=10 - age),
                    },
                )
    finally:
        command.upgrade(config, "head")

    with read_only() as session:
        found = dict(session.exec(select(Workspace.id, Workspace.slug)).all())
    assert found == {
        "old0": "jazz-nights",
        "old1": "jazz-nights-2",
        "old2": "cafe-umlaut",
        "old3": "organizer",
        "old4": "jazz-nights-3",
        "old5": "admin-organizer",
    }
    assert make_workspace(owner, name="Jazz Nights").slug == "jazz-nights-4"


def _move(event_id: str, *, days: int, status: str | None = None) -> None:
    """Shift an event to start `days` from now (negative: past), optionally forcing its status."""
    start = utcnow() + timedelta(days=days)
    values = {"start_at": start, "end_at": start + timedelta(hours=3)}
    if status:
        values["status"] = status
    with transaction() as session:
        session.execute(update(Event).where(Event.id == event_id).values(**values))


def test_the_profile_lists_only_public_events_upcoming_and_past():
    owner = make_organizer()
    workspace = make_workspace(owner, name="Savannah Sounds")
    soon = make_event(owner, workspace.id, publish=True, title="Soon on sale")
    later = make_event(owner, workspace.id, publish=True, title="Later on sale")
    make_event(owner, workspace.id, publish=False, title="Draft plans")
    cancelled = make_event(owner, workspace.id, publish=True, title="Called off")
    lifecycle.change_status(actor=owner.summary, event_id=cancelled.id, action="cancel")
    hidden = make_event(owner, workspace.id, publish=True, title="Hidden again")
    lifecycle.change_status(actor=owner.summary, event_id=hidden.id, action="hide")
    ended = make_event(owner, workspace.id, publish=True, title="Ended, not completed yet")
    completed = make_event(owner, workspace.id, publish=True, title="Completed long ago")
    _move(soon.id, days=3)
    _move(later.id, days=30)
    _move(ended.id, days=-2)
    _move(completed.id, days=-40, status=EventStatus.COMPLETED)
    someone = make_organizer()
    make_event(someone, make_workspace(someone, name="Someone Else").id, publish=True, title="Not theirs")

    profile = get_organizer_profile(" Savannah-Sounds ")

    assert profile.name == "Savannah Sounds" and profile.slug == "savannah-sounds" and not profile.verified
    assert [c.title for c in profile.upcoming] == ["Soon on sale", "Later on sale"]
    assert [c.title for c in profile.past] == ["Ended, not completed yet", "Completed long ago"]
    assert {c.workspace_slug for c in profile.upcoming + profile.past} == {"savannah-sounds"}
    assert not profile.more_upcoming and not profile.more_past
    for unknown in ["no-such-organizer", "", "\x00"]:
        with pytest.raises(NotFound):
            get_organizer_profile(unknown)


def test_the_profile_shows_the_workspace_links_and_badge():
    owner = make_organizer()
    workspace = records.create_workspace(
        actor=owner.summary,
        data=records.WorkspaceInput(
            name="Linked Up",
            description="We link everything.",
            website="linkedup.example",
            social_instagram="https://instagram.com/linkedup",
        ),
    )
    with transaction() as session:
        session.get(Workspace, workspace.id).verified = True
    profile = get_organizer_profile(workspace.slug)
    assert profile.verified
    assert [(link.label, link.url) for link in profile.links] == [
        ("Website", "https://linkedup.example"),
        ("Instagram", "https://instagram.com/linkedup"),
    ]
    assert (profile.upcoming, profile.past) == ([], [])


def test_the_sitemap_lists_workspaces_with_public_events_only():
    owner = make_organizer()
    public = make_workspace(owner, name="Has Events")
    make_event(owner, public.id, publish=True)
    drafts_only = make_workspace(owner, name="Drafts Only")
    make_event(owner, drafts_only.id, publish=False)
    make_workspace(owner, name="Nothing Yet")
    assert [o.slug for o in list_sitemap_organizers()] == ["has-events"]


async def test_the_organizer_page_state_loads_the_profile_or_says_not_found():
    owner = make_organizer()
    workspace = make_workspace(owner, name="Savannah Sounds")
    event = make_event(owner, workspace.id, publish=True, title="Jazz on the Lawn")

    page = state_for(OrganizerState, token=None, path=routes.organizer_url(workspace.slug))
    await run_handler(page, "load_organizer")
    assert page.loaded and not page.missing and page.page_title == "Savannah Sounds"
    assert [(e.card.title, e.url, e.organizer_url) for e in page.upcoming] == [
        ("Jazz on the Lawn", routes.event_url(event.short_id), "/o/savannah-sounds")
    ]

    unknown = state_for(OrganizerState, token=None, path="/o/nobody-here")
    await run_handler(unknown, "load_organizer")
    assert unknown.loaded and unknown.missing and unknown.organizer is None
    assert unknown.page_title == "Organizer not found"


def _redirected_to(spec) -> str:
    return {name._js_expr: value._var_value for name, value in spec.args}["path"]


@pytest.mark.parametrize(
    ("path", "lands_on"),
    [
        (routes.ONBOARDING, routes.WORKSPACE_NEW),
        (routes.with_next(routes.ONBOARDING, "/e/abc123"), "/workspaces/new?next=%2Fe%2Fabc123"),
        (routes.with_next(routes.ONBOARDING, "https://evil.example"), routes.WORKSPACE_NEW),
    ],
)
async def test_choosing_organizer_at_onboarding_goes_to_the_new_workspace_form(path, lands_on):
    person = make_user(account_type=None)
    onboarding = state_for(OnboardingState, token=person.token, path=path)
    onboarding.choose("organizer")
    emitted = await run_handler(onboarding, "submit")
    assert _redirected_to(emitted[-1]) == lands_on


async def test_choosing_attendee_at_onboarding_still_goes_where_it_was_headed():
    person = make_user(account_type=None)
    onboarding = state_for(OnboardingState, token=person.token, path=routes.with_next(routes.ONBOARDING, "/e/abc123"))
    emitted = await run_handler(onboarding, "submit")
    assert _redirected_to(emitted[-1]) == "/e/abc123"


async def test_the_owner_changes_the_page_address_in_settings_with_field_errors():
    owner = make_organizer()
    workspace = make_workspace(owner, name="Savannah Sounds")
    state = state_for(WorkspaceSettingsState, token=owner.token, path=f"/workspace/{workspace.id}/settings")
    shell = await state.get_state(WorkspaceState)
    await run_handler(shell, "load_workspace")
    assert shell.workspace.slug == "savannah-sounds"
    assert shell.workspace.public_url == settings.app_url + "/o/savannah-sounds"

    await run_handler(state, "change_slug", {"slug": "Not a slug!"})
    assert "slug" in state.field_errors and shell.workspace.slug == "savannah-sounds"

    await run_handler(state, "change_slug", {"slug": "savannah-live"})
    assert not state.field_errors and not state.is_submitting
    assert shell.workspace.slug == "savannah-live"
    assert shell.workspace.public_url == settings.app_url + "/o/savannah-live"

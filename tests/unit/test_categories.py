"""The managed category list (#24 §7): suggestions, the admins' decision, and the migration that
mapped free-text categories onto the list."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import update
from sqlmodel import select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import Category, CategorySuggestion, Event
from eventpalour.services.events import categories, lifecycle
from eventpalour.services.platform import Conflict, PermissionDenied, ValidationFailed
from tests.dbsetup import alembic_config
from tests.factories import add_member, event_input, make_admin, make_event, make_organizer, make_user, make_workspace

CATEGORIES_REVISION = "9c4a2e7f1b63"


def _revision_before(revision: str) -> str:
    """The migration just before `revision` (only that one is undone, whatever merged before it)."""
    script = ScriptDirectory.from_config(alembic_config(settings.database_url))
    return script.get_revision(revision).down_revision


@pytest.fixture
def organizer():
    owner = make_organizer()
    return owner, make_workspace(owner)


def _names() -> list[str]:
    return [option.name for option in categories.list_categories()]


def test_suggest_then_approve_adds_the_name_to_the_list(organizer):
    owner, workspace = organizer
    suggestion = categories.suggest_category(actor=owner.summary, workspace_id=workspace.id, name="  Comedy ")
    assert (suggestion.name, suggestion.status, suggestion.can_decide) == ("Comedy", "pending", True)
    assert "Comedy" not in _names()
    with pytest.raises(ValidationFailed, match="Choose a category from the list"):
        lifecycle.create_event(actor=owner.summary, workspace_id=workspace.id, data=event_input(category="Comedy"))

    moderator = make_admin("moderator")
    queue = categories.list_category_suggestions(actor=moderator.summary)
    assert [(s.name, s.workspace_name) for s in queue] == [("Comedy", workspace.name)]
    decided = categories.decide_category_suggestion(actor=moderator.summary, suggestion_id=suggestion.id, approve=True)

    assert (decided.status, decided.can_decide) == ("approved", False)
    assert "Comedy" in _names() and _names()[-1] == "Other"
    event = lifecycle.create_event(actor=owner.summary, workspace_id=workspace.id, data=event_input(category="comedy"))
    assert lifecycle.get_event_by_id(actor=owner.summary, event_id=event.id).category == "Comedy"
    with pytest.raises(Conflict, match="already approved"):
        categories.decide_category_suggestion(actor=moderator.summary, suggestion_id=suggestion.id, approve=False)


def test_a_rejected_suggestion_stays_off_the_list(organizer):
    owner, workspace = organizer
    suggestion = categories.suggest_category(actor=owner.summary, workspace_id=workspace.id, name="Karaoke")
    categories.decide_category_suggestion(
        actor=make_admin("super_admin").summary, suggestion_id=suggestion.id, approve=False
    )
    assert "Karaoke" not in _names()
    assert categories.list_category_suggestions(actor=make_admin("moderator").summary, status="rejected")[0].name == (
        "Karaoke"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("sports", "Sports is already in the list; pick it there."),
        ("x", "Name the category in 2 to 64 characters, with letters or digits."),
        ("!!", "Name the category in 2 to 64 characters, with letters or digits."),
        ("c" * 65, "Name the category in 2 to 64 characters, with letters or digits."),
    ],
)
def test_bad_suggestions_are_refused_on_the_name_field(organizer, name, message):
    owner, workspace = organizer
    with pytest.raises(ValidationFailed) as failure:
        categories.suggest_category(actor=owner.summary, workspace_id=workspace.id, name=name)
    assert [(d.path, d.message) for d in failure.value.details] == [(("name",), message)]
    with read_only() as session:
        assert session.exec(select(CategorySuggestion)).all() == []


def test_a_name_waiting_for_review_is_not_suggested_twice(organizer):
    owner, workspace = organizer
    categories.suggest_category(actor=owner.summary, workspace_id=workspace.id, name="Comedy")
    with pytest.raises(ValidationFailed, match="Comedy has been suggested already"):
        categories.suggest_category(actor=owner.summary, workspace_id=workspace.id, name="COMEDY")


def test_only_event_creators_suggest_and_only_category_reviewers_decide(organizer):
    owner, workspace = organizer
    member = make_user()
    add_member(workspace.id, member, "member")
    with pytest.raises(PermissionDenied):
        categories.suggest_category(actor=member.summary, workspace_id=workspace.id, name="Comedy")
    suggestion = categories.suggest_category(actor=owner.summary, workspace_id=workspace.id, name="Comedy")
    for outsider in (owner, make_admin("finance")):
        with pytest.raises(PermissionDenied):
            categories.decide_category_suggestion(actor=outsider.summary, suggestion_id=suggestion.id, approve=True)
    assert "Comedy" not in _names()


def test_migration_maps_free_text_categories_onto_the_list(organizer):
    """Before the list, categories were whatever organizers typed: "sports" (any case) becomes Sports,
    a short form ("Tech") its listed name, and anything else ("Running") Other."""
    owner, workspace = organizer
    typed = ["sports", "Tech", "Running", "MUSIC"]
    made = [make_event(owner, workspace.id, title=f"Event {name}") for name in typed]
    config = alembic_config(settings.database_url)
    command.downgrade(config, _revision_before(CATEGORIES_REVISION))
    try:
        with transaction() as session:
            session.execute(update(Event).values(category_id=None))
            session.execute(Category.__table__.delete())
            for event, name in zip(made, typed, strict=True):
                category = Category(name=name, slug=categories.category_slug(name))
                session.add(category)
                session.flush()
                session.execute(update(Event).where(Event.id == event.id).values(category_id=category.id))
    finally:
        command.upgrade(config, "head")

    with read_only() as session:
        names = dict(session.exec(select(Category.id, Category.name)).all())
        stored = {e.id: names[e.category_id] for e in session.exec(select(Event))}
    assert [stored[e.id] for e in made] == ["Sports", "Technology", "Other", "Music"]
    assert sorted(names.values()) == sorted(categories.DEFAULT_CATEGORIES)

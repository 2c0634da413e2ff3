"""Demo data for a fresh database (`make run`): only when there are no users yet, so it never
touches real data. Prints the demo accounts it created."""

from __future__ import annotations

from sqlmodel import func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import AccountType, User
from eventpalour.models.types import utcnow
from eventpalour.services import auth

DEMO_PASSWORD = "eventpalour-demo"
DEMO_ACCOUNTS = (
    ("attendee@eventpalour.demo", "Amina Wanjiru", AccountType.ATTENDEE),
    ("organizer@eventpalour.demo", "Kwame Mensah", AccountType.ORGANIZER),
)


def database_is_empty() -> bool:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(User)).one() == 0


def seed_demo_accounts() -> list[str]:
    """Create verified, onboarded demo accounts; returns their emails."""
    created = []
    for email, name, account_type in DEMO_ACCOUNTS:
        result = auth.sign_up(email=email, password=DEMO_PASSWORD, full_name=name)
        with transaction() as session:
            user = session.get(User, result.user.id)
            user.email_verified_at = utcnow()
            user.account_type = account_type
        created.append(email)
    return created


def main() -> None:
    if not database_is_empty():
        print("Database already has data; not seeding.")
        return
    for email in seed_demo_accounts():
        print(f"Demo account: {email} / {DEMO_PASSWORD}")


if __name__ == "__main__":
    main()

"""An event's money figures and tickets sold, read by the event management page and its Orders tab
alike. What each figure counts is services/finance/money_figures.py's, shared with billing and admin."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import Session

from eventpalour.services.finance.money_figures import MoneyFigures, Scope, figures_by_currency, tickets_sold


@dataclass(frozen=True)
class EventSalesTotals(MoneyFigures):
    """The event's money in its currency, and the tickets it has sold."""

    tickets: int = 0


def event_money(session: Session, event_id: str, currency: str) -> EventSalesTotals:
    """The event's figures in its currency, for its organizers (the caller checks access)."""
    scope = Scope(event_id=event_id)
    money = figures_by_currency(session, scope).get(currency, MoneyFigures(currency))
    return EventSalesTotals(**asdict(money), tickets=tickets_sold(session, scope))

"""Managing an event's discount and access codes (#19): moderators and above create, edit,
deactivate, delete (while no order carries them) and bulk-create them, and download them as CSV. A code
has a discount, unlocks hidden tiers, or both. The codes are judged and their uses counted in
services/sales/discounts.py; this module only writes what organizers decide.
"""

from __future__ import annotations

import csv
import io
import string
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    DiscountCode,
    DiscountCodeTier,
    DiscountCodeUnlock,
    DiscountKind,
    Event,
    Order,
    TicketTier,
)
from eventpalour.models.types import random_string
from eventpalour.services.events import local_input_value, parse_local
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    Message,
    NotFound,
    ValidationFailed,
    format_amount,
    format_money,
    parse_amount,
)
from eventpalour.services.sales import discounts
from eventpalour.services.sales import store as sales_store
from eventpalour.services.sales.fees import Discount, Price, price_of
from eventpalour.services.workspaces import WorkspaceAction, load_event_for

CODE_CHARACTERS = set(string.ascii_uppercase + string.digits + "-_")
BULK_MAX = 500
BULK_RANDOM_LENGTH = 8
_RANDOM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
NO_DISCOUNT = "none"  # the form's kind for an access code that takes nothing off


@dataclass(frozen=True)
class CodeInput:
    """What an organizer enters for a code. `kind` None: no discount (`value` is then ignored).
    `tier_ids` empty: the discount covers every tier. `unlock_tier_ids`: the hidden tiers it unlocks.
    None limits: unlimited."""

    code: str
    kind: str | None
    value: int | None
    tier_ids: tuple[str, ...] = ()
    unlock_tier_ids: tuple[str, ...] = ()
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: int | None = None
    per_buyer_limit: int | None = None
    active: bool = True


@dataclass(frozen=True)
class CodeRow:
    """A code as the Codes tab and the API show it."""

    id: str
    code: str
    kind: str | None
    value: int | None
    label: str  # "20% off", or "No discount"
    tier_ids: tuple[str, ...]
    tiers_label: str
    unlock_tier_ids: tuple[str, ...]
    unlocks_label: str  # the hidden tiers it unlocks, by name ("" none)
    valid_from: datetime | None
    valid_until: datetime | None
    max_uses: int | None
    per_buyer_limit: int | None
    active: bool
    uses_held: int
    uses_sold: int
    uses_label: str
    can_deactivate: bool
    can_activate: bool
    can_delete: bool  # `delete_refusal` is None: no order has carried it


@dataclass(frozen=True)
class CodeQuote:
    """A code applied on the event page: the price of the picked tickets with it (`discount` None: the
    code takes nothing off) and the hidden tiers it unlocks."""

    code: str
    label: str
    discount: Discount | None
    unlocks: frozenset[str]
    price: Price
    discount_text: str
    total_text: str


def _problems(
    data: CodeInput, tiers: dict[str, str] | None, hidden: set[str] | None = None, *, check_code: bool = True
) -> list[FieldError]:
    """Every rule `data` breaks. `tiers` (id: name) and `hidden` (the hidden ones) None: the tiers
    chosen are not checked against the event (yet)."""
    problems: list[FieldError] = []
    code = discounts.normalize(data.code)
    if check_code:
        if not discounts.CODE_MIN_LENGTH <= len(code) <= discounts.CODE_MAX_LENGTH:
            problems.append(FieldError(("code",), N_("A code is 3 to 32 characters long.")))
        elif not set(code) <= CODE_CHARACTERS:
            problems.append(FieldError(("code",), N_("Use letters, digits, - and _ only.")))
    value = data.value or 0
    if data.kind is None:
        if not data.unlock_tier_ids:
            problems.append(
                FieldError(
                    ("unlock_tier_ids",), N_("Choose the hidden tickets this code unlocks, or give it a discount.")
                )
            )
    elif data.kind not in (DiscountKind.PERCENT, DiscountKind.FIXED):
        problems.append(FieldError(("kind",), N_("Choose a percent or a fixed amount off, or no discount.")))
    elif data.kind == DiscountKind.PERCENT and not 1 <= value <= 100:
        problems.append(FieldError(("value",), N_("A percent off is between 1 and 100.")))
    elif data.kind == DiscountKind.FIXED and value < 1:
        problems.append(FieldError(("value",), N_("Enter an amount off above zero.")))
    if tiers is not None and any(tier_id not in tiers for tier_id in data.tier_ids):
        problems.append(FieldError(("tier_ids",), N_("Choose tickets of this event.")))
    if hidden is not None and any(tier_id not in hidden for tier_id in data.unlock_tier_ids):
        problems.append(FieldError(("unlock_tier_ids",), N_("Choose hidden tickets of this event to unlock.")))
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        problems.append(FieldError(("valid_until",), N_("The end of validity must come after its start.")))
    if data.max_uses is not None and data.max_uses < 1:
        problems.append(FieldError(("max_uses",), N_("Allow at least one use, or leave it empty for no limit.")))
    if data.per_buyer_limit is not None and data.per_buyer_limit < 1:
        problems.append(
            FieldError(("per_buyer_limit",), N_("Allow at least one use per buyer, or leave it empty for no limit."))
        )
    return problems


def _refuse(problems: list[FieldError]) -> None:
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)


def _tiers_of(session: Session, event_id: str) -> dict[str, str]:
    rows = session.exec(select(TicketTier.id, TicketTier.name).where(TicketTier.event_id == event_id)).all()
    return {tier_id: name for tier_id, name in rows}


def _hidden_of(session: Session, event_id: str) -> set[str]:
    rows = session.exec(select(TicketTier.id).where(TicketTier.event_id == event_id, col(TicketTier.hidden)))
    return set(rows.all())


@dataclass(frozen=True)
class _Links:
    """A code's tier links: the tiers its discount covers, the hidden tiers it unlocks, and how many
    orders carry it."""

    tier_ids: tuple[str, ...] = ()
    unlock_tier_ids: tuple[str, ...] = ()
    orders: int = 0


def delete_refusal(orders: int) -> str | None:
    """Why a code cannot be deleted (None: it can): one that an order has carried stays, for the
    order's record; it can be deactivated instead."""
    if orders:
        return N_("This code has been used, so it stays on record. Deactivate it instead.")
    return None


def _row(code: DiscountCode, links: _Links, tiers: dict[str, str], currency: str) -> CodeRow:
    limit = "unlimited" if code.max_uses is None else str(code.max_uses)
    held = f" (+{code.uses_held} held)" if code.uses_held else ""
    tier_ids = links.tier_ids
    if code.kind is None:
        tiers_label = ""
    elif code.all_tiers:
        tiers_label = Message(N_("All tickets"))
    else:
        tiers_label = ", ".join(tiers.get(t, "?") for t in tier_ids)
    return CodeRow(
        id=code.id,
        code=code.code,
        kind=code.kind,
        value=code.value,
        label=discounts.discount_label(code.kind, code.value, currency) or N_("No discount"),
        tier_ids=tuple(tier_ids),
        tiers_label=tiers_label,
        unlock_tier_ids=links.unlock_tier_ids,
        unlocks_label=", ".join(sorted(tiers.get(t, "?") for t in links.unlock_tier_ids)),
        valid_from=code.valid_from,
        valid_until=code.valid_until,
        max_uses=code.max_uses,
        per_buyer_limit=code.per_buyer_limit,
        active=code.active,
        uses_held=code.uses_held,
        uses_sold=code.uses_sold,
        uses_label=f"{code.uses_sold} of {limit}{held}",
        can_deactivate=code.active,
        can_activate=not code.active,
        can_delete=delete_refusal(links.orders) is None,
    )


def _links(session: Session, code_ids: Sequence[str]) -> dict[str, _Links]:
    """Each code's tier links and order count, in three queries for any number of codes."""
    tiers: dict[str, list[str]] = {code_id: [] for code_id in code_ids}
    unlocks: dict[str, list[str]] = {code_id: [] for code_id in code_ids}
    orders: dict[str, int] = {}
    if code_ids:
        ids = list(code_ids)
        for link in session.exec(select(DiscountCodeTier).where(col(DiscountCodeTier.code_id).in_(ids))):
            tiers[link.code_id].append(link.tier_id)
        for unlock in session.exec(select(DiscountCodeUnlock).where(col(DiscountCodeUnlock.code_id).in_(ids))):
            unlocks[unlock.code_id].append(unlock.tier_id)
        orders = dict(
            session.exec(
                select(Order.discount_code_id, func.count())
                .where(col(Order.discount_code_id).in_(ids))
                .group_by(col(Order.discount_code_id))
            ).all()
        )
    return {
        code_id: _Links(tuple(tiers[code_id]), tuple(sorted(unlocks[code_id])), orders.get(code_id, 0))
        for code_id in code_ids
    }


def list_codes(*, actor: UserSummary | None, event_id: str) -> list[CodeRow]:
    """The event's codes, newest first (moderators and above)."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        codes = session.exec(
            select(DiscountCode)
            .where(DiscountCode.event_id == event.id)
            .order_by(col(DiscountCode.created_at).desc(), col(DiscountCode.code))
        ).all()
        tiers = _tiers_of(session, event.id)
        links = _links(session, [c.id for c in codes])
        return [_row(c, links[c.id], tiers, event.currency) for c in codes]


def _apply(code: DiscountCode, data: CodeInput) -> None:
    code.kind = data.kind
    code.value = data.value if data.kind is not None else None
    code.all_tiers = not data.tier_ids
    code.valid_from = data.valid_from
    code.valid_until = data.valid_until
    code.max_uses = data.max_uses
    code.per_buyer_limit = data.per_buyer_limit
    code.active = data.active


def _write_tiers(session: Session, code_id: str, data: CodeInput) -> _Links:
    """The code's discount tiers and unlocked tiers as `data` has them (replacing what it had)."""
    for link in session.exec(select(DiscountCodeTier).where(DiscountCodeTier.code_id == code_id)):
        session.delete(link)
    for unlock in session.exec(select(DiscountCodeUnlock).where(DiscountCodeUnlock.code_id == code_id)):
        session.delete(unlock)
    session.flush()
    tier_ids = tuple(dict.fromkeys(data.tier_ids)) if data.kind is not None else ()
    unlock_ids = tuple(sorted(set(data.unlock_tier_ids)))
    for tier_id in tier_ids:
        session.add(DiscountCodeTier(code_id=code_id, tier_id=tier_id))
    for tier_id in unlock_ids:
        session.add(DiscountCodeUnlock(code_id=code_id, tier_id=tier_id))
    return _Links(tier_ids, unlock_ids)


def _taken(session: Session, event_id: str, codes: Sequence[str]) -> set[str]:
    rows = session.exec(
        select(DiscountCode.code).where(DiscountCode.event_id == event_id, col(DiscountCode.code).in_(list(codes)))
    )
    return set(rows.all())


def create_code(*, actor: UserSummary | None, event_id: str, data: CodeInput) -> CodeRow:
    """A new code for the event. Raises NotAuthenticated, NotFound, PermissionDenied, ValidationFailed."""
    try:
        with transaction() as session:
            event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
            tiers = _tiers_of(session, event.id)
            _refuse(_problems(data, tiers, _hidden_of(session, event.id)))
            normalized = discounts.normalize(data.code)
            if _taken(session, event.id, [normalized]):
                raise ValidationFailed.field("code", N_("This event already has this code."))
            code = DiscountCode(event_id=event.id, code=normalized)
            _apply(code, data)
            session.add(code)
            session.flush()
            links = _write_tiers(session, code.id, data)
            session.flush()
            return _row(code, links, tiers, event.currency)
    except IntegrityError:
        # Two organizers creating the same code at once: the unique index keeps one.
        raise ValidationFailed.field("code", N_("This event already has this code.")) from None


def _load_code(session: Session, actor: UserSummary | None, event_id: str, code_id: str) -> tuple[DiscountCode, Event]:
    event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
    code = session.get(DiscountCode, code_id or "")
    if code is None or code.event_id != event.id:
        raise NotFound(N_("This code does not exist."))
    return code, event


def update_code(*, actor: UserSummary | None, event_id: str, code_id: str, data: CodeInput) -> CodeRow:
    """Change a code's terms (its text stays: buyers may hold links with it)."""
    with transaction() as session:
        code, event = _load_code(session, actor, event_id, code_id)
        tiers = _tiers_of(session, event.id)
        problems = _problems(data, tiers, _hidden_of(session, event.id), check_code=False)
        used = code.uses_held + code.uses_sold
        if data.max_uses is not None and data.max_uses < used and not problems:
            problems.append(
                FieldError(("max_uses",), N_("This code is already used or held {count} times."), {"count": used})
            )
        _refuse(problems)
        _apply(code, data)
        session.add(code)
        _write_tiers(session, code.id, data)
        session.flush()
        return _row(code, _links(session, [code.id])[code.id], tiers, event.currency)


def set_code_active(*, actor: UserSummary | None, event_id: str, code_id: str, active: bool) -> CodeRow:
    """Deactivate a code (new checkouts refuse it; orders holding it keep it) or activate it again."""
    with transaction() as session:
        code, event = _load_code(session, actor, event_id, code_id)
        code.active = active
        session.add(code)
        session.flush()
        tiers = _tiers_of(session, event.id)
        return _row(code, _links(session, [code.id])[code.id], tiers, event.currency)


def delete_code(*, actor: UserSummary | None, event_id: str, code_id: str) -> str:
    """Delete a code no order has carried (a mistyped one, say), returning its text. A code an order
    carries is refused with the reason (`delete_refusal`): deactivate it instead."""
    with transaction() as session:
        code, _ = _load_code(session, actor, event_id, code_id)
        orders = _links(session, [code.id])[code.id].orders
        if (reason := delete_refusal(orders)) is not None:
            raise Conflict(reason)
        text = code.code
        session.delete(code)  # its tier links go with it (ON DELETE CASCADE)
        session.flush()
        return text


def bulk_create_codes(
    *, actor: UserSummary | None, event_id: str, count: int, prefix: str, template: CodeInput
) -> list[CodeRow]:
    """`count` random single-use codes, each `prefix` + 8 random characters, on `template`'s terms."""
    prefix = discounts.normalize(prefix)
    problems = _problems(template, None, check_code=False)
    if not 1 <= count <= BULK_MAX:
        problems.insert(
            0, FieldError(("count",), N_("Create between 1 and {count} codes at once."), {"count": BULK_MAX})
        )
    if len(prefix) > discounts.CODE_MAX_LENGTH - BULK_RANDOM_LENGTH:
        problems.append(FieldError(("prefix",), N_("Keep the prefix to 24 characters.")))
    elif not set(prefix) <= CODE_CHARACTERS:
        problems.append(FieldError(("prefix",), N_("Use letters, digits, - and _ only.")))
    _refuse(problems)
    with transaction() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        tiers = _tiers_of(session, event.id)
        _refuse(_problems(template, tiers, _hidden_of(session, event.id), check_code=False))
        wanted: set[str] = set()
        while len(wanted) < count:
            while len(wanted) < count:
                wanted.add(prefix + random_string(_RANDOM_ALPHABET, BULK_RANDOM_LENGTH))
            wanted -= _taken(session, event.id, list(wanted))
        made = []
        for text in sorted(wanted):
            code = DiscountCode(event_id=event.id, code=text)
            _apply(code, template)
            code.max_uses = 1
            code.per_buyer_limit = 1
            session.add(code)
            made.append(code)
        session.flush()
        links = {code.id: _write_tiers(session, code.id, template) for code in made}
        session.flush()
        return [_row(c, links[c.id], tiers, event.currency) for c in made]


CSV_HEADER = (
    "code",
    "discount",
    "tickets",
    "unlocks",
    "valid_from",
    "valid_until",
    "max_uses",
    "per_buyer",
    "used",
    "held",
    "active",
)


def codes_csv(*, actor: UserSummary | None, event_id: str) -> str:
    """The event's codes as CSV (one line per code), e.g. to mail single-use codes out."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in list_codes(actor=actor, event_id=event_id):
        writer.writerow(
            (
                row.code,
                row.label,
                row.tiers_label,
                row.unlocks_label,
                row.valid_from.isoformat() if row.valid_from else "",
                row.valid_until.isoformat() if row.valid_until else "",
                "" if row.max_uses is None else row.max_uses,
                "" if row.per_buyer_limit is None else row.per_buyer_limit,
                row.uses_sold,
                row.uses_held,
                "yes" if row.active else "no",
            )
        )
    return out.getvalue()


def quote_code(*, event_id: str, code: str, quantities: dict[str, int]) -> CodeQuote:
    """The event page's "Have a code?": the picked tickets' price with the code (the same `price_of`
    checkout stores), or a ValidationFailed on `code` saying why it does not apply."""
    with read_only() as reader:
        connection = reader.connection()
        event = sales_store.event_on_sale(connection, event_id)
        if event is None or not event.is_listed:
            raise NotFound(N_("This event is not on sale."))
        wanted = {t: n for t, n in quantities.items() if n > 0 and t in event.tiers}
        # The hidden tiers count as picked: a code that unlocks one applies (the page then shows it).
        hidden = {t for t, row in event.tiers.items() if row.hidden}
        tiers_for_code = (set(wanted) or set(event.tiers)) | hidden
        applied = discounts.applied(
            connection,
            event_id=event.id,
            code=code,
            wanted_tiers=tiers_for_code,
            currency=event.currency,
            tier_names={t: row.name for t, row in event.tiers.items()},
        )
    price = price_of({t: row.price for t, row in event.tiers.items()}, wanted, event.fee_mode, applied.discount)
    return CodeQuote(
        code=applied.code,
        label=applied.label,
        discount=applied.discount,
        unlocks=applied.unlocks,
        price=price,
        discount_text=format_money(price.discount, event.currency),
        total_text=format_money(price.amount, event.currency),
    )


@dataclass(frozen=True)
class CodeForm:
    """The Codes tab's form as typed: amounts in the event's currency, times in its time zone."""

    code: str = ""
    kind: str = DiscountKind.PERCENT.value  # or NO_DISCOUNT
    value: str = ""
    tier_ids: tuple[str, ...] = ()
    unlock_tier_ids: tuple[str, ...] = ()
    valid_from_local: str = ""
    valid_until_local: str = ""
    max_uses: str = ""
    per_buyer_limit: str = ""
    active: bool = True


def form_of(row: CodeRow, currency: str, zone_name: str) -> CodeForm:
    """A code's terms as the form shows them for editing."""
    if row.kind is None or row.value is None:
        kind, value = NO_DISCOUNT, ""
    elif row.kind == DiscountKind.PERCENT:
        kind, value = row.kind, str(row.value)
    else:
        kind, value = row.kind, format_amount(row.value, currency)
    return CodeForm(
        code=row.code,
        kind=kind,
        value=value,
        tier_ids=row.tier_ids,
        unlock_tier_ids=row.unlock_tier_ids,
        valid_from_local=local_input_value(row.valid_from, zone_name),
        valid_until_local=local_input_value(row.valid_until, zone_name),
        max_uses="" if row.max_uses is None else str(row.max_uses),
        per_buyer_limit="" if row.per_buyer_limit is None else str(row.per_buyer_limit),
        active=row.active,
    )


def _whole(text: str, name: str, problems: list[FieldError]) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        problems.append(FieldError((name,), N_("Enter a whole number, or leave it empty for no limit.")))
        return 0
    return int(text)


def _when(text: str, zone: ZoneInfo, name: str, problems: list[FieldError]) -> datetime | None:
    return parse_local(text, zone, (name,), problems) if (text or "").strip() else None


def input_of(form: CodeForm, currency: str, zone_name: str, *, check_code: bool = False) -> CodeInput:
    """The form read as a CodeInput, or a ValidationFailed naming each field typed wrong (and, with
    it, every other rule the typed values break, tiers aside: those are checked against the event)."""
    problems: list[FieldError] = []
    value: int | None
    if form.kind == NO_DISCOUNT:
        value = None
    elif form.kind == DiscountKind.FIXED:
        value = parse_amount(form.value, currency)
        if value is None:
            problems.append(FieldError(("value",), N_("Enter an amount like 500 or 500.50.")))
    else:
        raw = (form.value or "").strip().rstrip("%").strip()
        value = int(raw) if raw.isdigit() and len(raw) <= 9 else None
        if value is None:
            problems.append(FieldError(("value",), N_("Enter a whole percent between 1 and 100.")))
    zone = ZoneInfo(zone_name)
    data = CodeInput(
        code=form.code,
        kind=None if form.kind == NO_DISCOUNT else form.kind,
        value=value,
        tier_ids=tuple(form.tier_ids),
        unlock_tier_ids=tuple(form.unlock_tier_ids),
        valid_from=_when(form.valid_from_local, zone, "valid_from_local", problems),
        valid_until=_when(form.valid_until_local, zone, "valid_until_local", problems),
        max_uses=_whole(form.max_uses, "max_uses", problems),
        per_buyer_limit=_whole(form.per_buyer_limit, "per_buyer_limit", problems),
        active=form.active,
    )
    if problems:
        named = {p.path for p in problems}
        checked = replace(data, value=data.value if value is not None else 1)
        problems += [p for p in _problems(checked, None, check_code=check_code) if p.path not in named]
        _refuse(problems)
    return data


def save_code_form(*, actor: UserSummary | None, event_id: str, code_id: str, form: CodeForm) -> CodeRow:
    """The Codes tab's Save: a new code (`code_id` ""), or new terms for the code `code_id`."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        currency, zone_name, event_key = event.currency, event.timezone, event.id
    data = input_of(form, currency, zone_name, check_code=not code_id)
    if code_id:
        return update_code(actor=actor, event_id=event_key, code_id=code_id, data=data)
    return create_code(actor=actor, event_id=event_key, data=data)


def bulk_create_from_form(
    *, actor: UserSummary | None, event_id: str, count: str, prefix: str, form: CodeForm
) -> list[CodeRow]:
    """The Codes tab's bulk creation: `count` single-use codes on the form's terms."""
    with read_only() as session:
        event = load_event_for(session, actor, event_id, WorkspaceAction.MANAGE_EVENTS)
        currency, zone_name, event_key = event.currency, event.timezone, event.id
    text = (count or "").strip()
    if not text.isdigit() or len(text) > 4:
        raise ValidationFailed.field("count", N_("Enter how many codes to create, 1 to {count}."), count=BULK_MAX)
    data = input_of(replace(form, max_uses="", per_buyer_limit=""), currency, zone_name)
    return bulk_create_codes(actor=actor, event_id=event_key, count=int(text), prefix=prefix, template=data)

"""The platform's policies (issue #20 §4): the Terms, the Privacy policy, the Refund policy, the Events
policy and the Acceptable use policy, their one version, and who runs the platform.

The texts are written for this product as it works: what it stores and why, how long, who processes
payments (Paystack), what refunds it actually makes. The name, support address and company come from
settings (`PLATFORM_NAME`, `SUPPORT_EMAIL`, `LEGAL_ENTITY`), so a deployer adapts them without
editing text. `TERMS_VERSION` is the version every page shows and the one sign-up records on the
user (services/identity/auth.py): change a text, change the version.

Every heading and paragraph is one whole sentence `_("…")` with those values as {named fields}: the
catalogs hold its Kiswahili and French (#23 §1), and the page says it in the reader's language with
the deployment's values filled into that language's sentence. Changing a text changes its catalog id:
`make messages`, then translate it anew (tests/unit/test_i18n_catalogs.py fails until then).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.cookies import (
    BINDER_COOKIE,
    CHALLENGE_COOKIE,
    CHALLENGE_MINUTES,
    LANGUAGE_COOKIE,
    LANGUAGE_DAYS,
    LAST_WORKSPACE_COOKIE,
    LAST_WORKSPACE_DAYS,
    QUEUE_COOKIE,
    QUEUE_COOKIE_DAYS,
    SESSION_COOKIE,
    TRUSTED_BROWSER_COOKIE,
    TRUSTED_BROWSER_DAYS,
)
from eventpalour.services.platform.errors import NotFound
from eventpalour.services.platform.i18n import N_, format_locale, message

POLICIES_DATE = date(2026, 12, 6)
TERMS_VERSION = POLICIES_DATE.isoformat()
"""What a user agrees to at sign-up (with Google too), recorded as `users.terms_version`."""


@dataclass(frozen=True)
class PlatformIdentity:
    """Who runs this deployment, as its settings say."""

    name: str
    support_email: str
    legal_entity: str


@dataclass(frozen=True)
class PolicySection:
    heading: str
    paragraphs: tuple[str, ...] = ()
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    """One policy page: `path` is its route, `summary` its opening paragraph (and search snippet)."""

    key: str
    path: str
    title: str
    summary: str
    version: str
    version_label: str
    sections: tuple[PolicySection, ...]


def platform_identity() -> PlatformIdentity:
    return PlatformIdentity(
        name=settings.platform_name, support_email=settings.support_email, legal_entity=settings.legal_entity
    )


def version_label(language: str | None = None) -> str:
    """The policies' date as their pages show it, in `language`: "6 December 2026", "6 Desemba 2026"."""
    return format_date(POLICIES_DATE, "d MMMM y", locale=format_locale(language))


Writer = Callable[[str], str]
"""`_("English {name}")` in a policy's writer: the sentence as a Message (marked for the catalogs by
pybabel's `_` keyword), filled with the deployment's values and translated whole where it is shown."""


def _values(who: PlatformIdentity) -> dict[str, object]:
    """Every value a policy's sentences name: who runs the platform, and the cookies and periods of
    the privacy policy (from the settings and modules that decide them)."""
    return {
        "name": who.name,
        "mail": who.support_email,
        "entity": who.legal_entity,
        "session_days": settings.session_days,
        "session_cookie": SESSION_COOKIE,
        "binder_cookie": BINDER_COOKIE,
        "last_workspace_cookie": LAST_WORKSPACE_COOKIE,
        "last_workspace_days": LAST_WORKSPACE_DAYS,
        "trusted_browser_cookie": TRUSTED_BROWSER_COOKIE,
        "trusted_browser_days": TRUSTED_BROWSER_DAYS,
        "challenge_cookie": CHALLENGE_COOKIE,
        "challenge_minutes": CHALLENGE_MINUTES,
        "language_cookie": LANGUAGE_COOKIE,
        "language_days": LANGUAGE_DAYS,
        "queue_cookie": QUEUE_COOKIE,
        "queue_cookie_days": QUEUE_COOKIE_DAYS,
    }


def _writer(who: PlatformIdentity) -> Writer:
    values = _values(who)

    def _(text: str) -> str:
        # Only the values this sentence names, so the page fills (and the catalogs check) just those.
        named = {key: value for key, value in values.items() if "{" + key + "}" in text}
        return message(text, **named)

    return _


def _terms(_: Writer) -> tuple[str, str, tuple[PolicySection, ...]]:
    summary = _(
        "These Terms are the agreement between you and {entity}, which runs {name}: a ticketing platform "
        "where organizers sell or give away tickets to their events and attendees buy, keep, transfer and "
        "use them. By creating an account, or by continuing with Google, you accept these Terms, the "
        "Privacy policy and the policies they link to."
    )
    return (
        N_("Terms of service"),
        summary,
        (
            PolicySection(
                _("1. Who we are"),
                (
                    _(
                        "{name} is operated by {entity} (\u201cwe\u201d, \u201cus\u201d). You can reach us at "
                        "{mail} about anything in these Terms."
                    ),
                    _(
                        "{name} is a marketplace: the organizer of an event, not {entity}, puts on the event and "
                        "is responsible for it. We provide the software, the listing, the checkout and the tickets."
                    ),
                ),
            ),
            PolicySection(
                _("2. Your account"),
                (
                    _(
                        "You must be at least 18 years old, or have a parent or guardian's permission, to create "
                        "an account. Give a real email address: we send your verification code, tickets and "
                        "receipts to it, and you cannot buy tickets, create workspaces or receive transfers until "
                        "it is verified."
                    ),
                    _(
                        "Keep your password to yourself. You are responsible for what is done with your account; "
                        "tell us at {mail} at once if you think someone else has used it. You can sign out "
                        "every device from your account page."
                    ),
                ),
            ),
            PolicySection(
                _("3. Buying and registering"),
                (
                    _(
                        "When you pick tickets, we hold the seats for 15 minutes while you pay. Payments are "
                        "processed by Paystack; your order is confirmed only when Paystack confirms the payment "
                        "for the exact amount and currency of the order. Your tickets then appear under My "
                        "tickets and are emailed to you, each with its own QR code and short code."
                    ),
                    _(
                        "The price shown at checkout is the price you pay. When the organizer passes the "
                        "platform's service fee on to buyers it is shown as a separate line before you pay. "
                        "Free events allow one registration per account."
                    ),
                    _(
                        "Refunds follow the Refund policy. A ticket admits one person once; it stops working "
                        "when it is refunded, cancelled or transferred."
                    ),
                ),
            ),
            PolicySection(
                _("4. Transferring tickets"),
                (
                    _(
                        "You may transfer a valid ticket, before the event starts, to someone with a verified "
                        "account. The old QR code stops working at once and the new holder receives a new ticket. "
                        "Reselling tickets above their face value is not allowed (Acceptable use policy)."
                    ),
                ),
            ),
            PolicySection(
                _("5. Organizers"),
                (
                    _(
                        "Organizers sell through workspaces. Before a workspace can publish paid events it must "
                        "pass our identity and business checks (KYC), and it must follow the Events policy."
                    ),
                    _(
                        "The organizer is the seller of the tickets and is responsible for the event taking place "
                        "as described, for the accuracy of the listing, for honouring tickets at the door and for "
                        "refunds under the Refund policy. We deduct the platform fee (a percentage of the ticket "
                        "subtotal, shown when the event is created) and Paystack's processing fee from each sale; "
                        "the rest is the organizer's balance, paid out on request to a verified bank or M-Pesa "
                        "account after our review."
                    ),
                    _(
                        "We may hold back payouts while refunds, chargebacks or a review of the event are open, "
                        "and recover refunds an organizer owes from their balance."
                    ),
                ),
            ),
            PolicySection(
                _("6. What you may not do"),
                (
                    _(
                        "Follow the Acceptable use policy. We may remove listings, cancel events, suspend or "
                        "block accounts that break these Terms or the law, and report illegal activity to the "
                        "authorities. If your account is suspended or blocked, write to {mail} to appeal."
                    ),
                ),
            ),
            PolicySection(
                _("7. Our responsibility"),
                (
                    _(
                        "We work to keep {name} available and your tickets safe, but we do not promise the "
                        "service will never be interrupted. We are not responsible for the content or conduct "
                        "of events, which belong to their organizers."
                    ),
                    _(
                        "Nothing in these Terms limits rights you have under consumer protection law, including "
                        "Kenya's Consumer Protection Act 2012 and Nigeria's Federal Competition and Consumer "
                        "Protection Act 2018. Otherwise, {entity}'s total liability to you for any claim is "
                        "limited to the fees we received from your orders in the 12 months before the claim."
                    ),
                ),
            ),
            PolicySection(
                _("8. Changes and ending"),
                (
                    _(
                        "When we change these Terms we publish the new version here with a new date and tell "
                        "account holders by email before material changes take effect. You may close your "
                        "account at any time by writing to {mail}; tickets already issued remain valid."
                    ),
                    _(
                        "These Terms are governed by the laws of Kenya. If you live in Nigeria or another "
                        "country, you keep the protection of its mandatory consumer and data protection laws "
                        "and may bring a claim in its courts. Before going to court, write to us: most problems "
                        "are solved by email."
                    ),
                ),
            ),
        ),
    )


def _privacy(_: Writer) -> tuple[str, str, tuple[PolicySection, ...]]:
    summary = _(
        "{entity} is the data controller for the personal data {name} holds. This policy says what we "
        "collect and why, who else handles it, how long we keep it and the rights you have under "
        "Kenya's Data Protection Act 2019, Nigeria's Data Protection Act 2023 (NDPA) and the similar laws "
        "of the other countries we serve."
    )
    return (
        N_("Privacy policy"),
        summary,
        (
            PolicySection(
                _("1. What we collect, and why"),
                points=(
                    _(
                        "Account: your name, email address, a password hash (never the password), a random "
                        "username, whether you are an attendee or an organizer, and the Google account id when "
                        "you sign in with Google. Needed to run your account (contract)."
                    ),
                    _(
                        "Sessions and security: for each signed-in device, a hash of its session token, its IP "
                        "address and browser (user agent), and when it was last used; failed sign-in counts. "
                        "Needed to keep accounts safe (legitimate interest)."
                    ),
                    _(
                        "Orders and tickets: what you bought or registered for, amounts, fees, the payment "
                        "reference and status, refunds, ticket codes, transfers (to and from whom). Needed to "
                        "sell you tickets and keep accounts (contract, legal obligation)."
                    ),
                    _(
                        "Door scans: when each ticket was scanned, by which organizer's team member, and the "
                        "result. Needed to admit you once and stop copied tickets (contract, legitimate interest)."
                    ),
                    _(
                        "Organizers' verification (KYC): the business and identity details and documents a "
                        "workspace files, and our decision. Needed to pay out money lawfully and prevent fraud "
                        "(legal obligation)."
                    ),
                    _(
                        "Audit logs: sign-ins and every action our administrators take on accounts, KYC, "
                        "verification badges and payouts, with time, IP address and browser. Needed to hold our "
                        "staff accountable (legitimate interest)."
                    ),
                    _(
                        "Emails we send you (verification codes, tickets, receipts, refund and event notices) "
                        "are kept in a delivery queue until sent, then as a record of what was sent, until you "
                        "delete your account."
                    ),
                ),
            ),
            PolicySection(
                _("2. Payments"),
                (
                    _(
                        "Payments are processed by Paystack (Paystack Payments Limited and its local companies), "
                        "which collects your card, bank or mobile money details on its own page under its own "
                        "privacy policy. {name} never receives or stores your card number; we receive the "
                        "payment's reference, amount, currency, status, channel and fees."
                    ),
                ),
            ),
            PolicySection(
                _("3. Who sees your data"),
                points=(
                    _(
                        "The organizer of an event you have a ticket to: your name, email, tickets, payment "
                        "status and scans, to run the event and contact you about it."
                    ),
                    _("Paystack, to take payments and send refunds and payouts."),
                    _(
                        "Google, only if you choose to sign in with Google (it tells us your name, email and "
                        "account id)."
                    ),
                    _("Our email delivery provider and hosting provider, who process data only on our instructions."),
                    _(
                        "Authorities, when the law requires it. We never sell your data or use it for third-"
                        "party advertising."
                    ),
                ),
                paragraphs=(
                    _(
                        "Some of these providers may store data outside your country. When they do, we rely on "
                        "the safeguards the Data Protection Act 2019 (Part VI) and the NDPA (Part VIII) require, "
                        "such as contractual protections."
                    ),
                ),
            ),
            PolicySection(
                _("4. How long we keep it"),
                points=(
                    _(
                        "Account data: while your account is open. When you delete it (Delete account, on your "
                        "account page) we erase at once your name, email address, username, picture, password "
                        "hash, Google account id, sessions, codes and reset links, your workspace memberships and "
                        "invitations, and the emails we sent you; your audit entries lose their IP address and "
                        "browser. Your email address is then free to make a new account."
                    ),
                    _(
                        "What deleting keeps, without your name or address (pseudonymised): orders, their tickets, "
                        "refunds and payouts, the KYC filings you made for a workspace, and the audit entries, "
                        "for the periods below."
                    ),
                    _(
                        "Orders, payments, refunds and payouts: 7 years after the transaction, as tax and "
                        "accounting laws require."
                    ),
                    _("Tickets, transfers and door scans: with the order they belong to (7 years)."),
                    _("KYC documents: while the workspace can receive payouts, and 5 years after its last payout."),
                    _(
                        "Audit logs: 5 years. A session ends when you sign out or after {session_days} days "
                        "without use. "
                        "Verification codes work for 15 minutes, password reset links for 1 hour."
                    ),
                ),
            ),
            PolicySection(
                _("5. Cookies"),
                (_("We set only the cookies the site needs to work, so we do not ask for consent to them:"),),
                points=(
                    _(
                        "{session_cookie}: keeps you signed in (HttpOnly, {session_days} days, renewed while "
                        "you use the site, deleted when you sign out)."
                    ),
                    _("{binder_cookie}: binds a sign-in to the browser that made it (HttpOnly, about one minute)."),
                    _(
                        "{last_workspace_cookie}: the workspace you opened last on this browser, so an organizer "
                        "lands on it after signing in ({last_workspace_days} days)."
                    ),
                    _(
                        '{trusted_browser_cookie}: set only when you tick "Trust this browser" at two-factor sign-in, '
                        "so this browser skips the code (HttpOnly, {trusted_browser_days} days)."
                    ),
                    _(
                        "{challenge_cookie}: holds a Google sign-in while you enter your two-factor code (HttpOnly, "
                        "{challenge_minutes} minutes)."
                    ),
                    _(
                        "{language_cookie}: the language you read the site in, English, Kiswahili or French "
                        "({language_days} days)."
                    ),
                    _(
                        "{queue_cookie}: set only when an event's sale has a waiting room: this browser's one place "
                        "in its queue and its pass onto the event page, a random id (HttpOnly, {queue_cookie_days} "
                        "days)."
                    ),
                    _(
                        "The site also keeps your light or dark mode choice and its own connection id in your "
                        "browser's storage. There are no advertising or tracking cookies."
                    ),
                ),
            ),
            PolicySection(
                _("6. Your rights"),
                (
                    _(
                        "Write to {mail} from your account's email address to use any of these rights; we "
                        "answer within 30 days and may ask you to prove who you are:"
                    ),
                ),
                points=(
                    _(
                        "Access: a copy of the personal data we hold about you (Download my data, on your account "
                        "page, gives it at once)."
                    ),
                    _("Correction: fix what is wrong (you can change your name on your account page)."),
                    _(
                        "Erasure: delete your account and its data from your account page, except what the law "
                        "makes us keep (section 4). It is refused while you own a workspace, hold a ticket for an "
                        "upcoming event or have an order awaiting payment: transfer or cancel those first."
                    ),
                    _(
                        "Export (portability): your data in a common machine-readable format, JSON, and your "
                        "orders and tickets as CSV, from your account page."
                    ),
                    _("Objection and restriction: to processing based on our legitimate interests."),
                    _(
                        "Complaint: to Kenya's Office of the Data Protection Commissioner (odpc.go.ke), "
                        "Nigeria's Data Protection Commission (ndpc.gov.ng) or your country's regulator."
                    ),
                ),
            ),
            PolicySection(
                _("7. Security and contact"),
                (
                    _(
                        "Passwords are hashed with Argon2, session and reset tokens are stored only as hashes, "
                        "KYC files are never public, and the site is served over HTTPS. If a breach puts your "
                        "data at risk we tell the regulator within 72 hours and you without undue delay."
                    ),
                    _("Data protection contact: {entity}, {mail}."),
                ),
            ),
        ),
    )


def _refunds(_: Writer) -> tuple[str, str, tuple[PolicySection, ...]]:
    summary = _(
        "How money goes back to buyers on {name}: when the organizer refunds an order, when an event is "
        "cancelled, and when a payment bought nothing. Refunds always go back through Paystack to the "
        "card, bank account or mobile money wallet that paid."
    )
    return (
        N_("Refund policy"),
        summary,
        (
            PolicySection(
                _("1. Refunds by the organizer"),
                (
                    _(
                        "The organizer decides refunds for their event, within their own stated terms and the "
                        "law. An organizer's team can refund an order in full or refund some of its tickets. "
                        "To ask for one, contact the organizer, or write to us at "
                        "{mail} with your order reference (it starts with EVT-) and we pass your request on."
                    ),
                    _(
                        "Refunded tickets stop working at the door at once. A full refund returns everything you "
                        "paid for the order, the service fee included."
                    ),
                ),
            ),
            PolicySection(
                _("2. Cancelled events"),
                (
                    _(
                        "When an organizer cancels an event, every paid order is refunded in full automatically "
                        "and every ticket holder is emailed. You do not need to ask."
                    ),
                ),
            ),
            PolicySection(
                _("3. Postponed events"),
                (
                    _(
                        "A postponed event keeps your tickets valid for the new date, and you are emailed the new "
                        "time. If you cannot attend the new date, ask the organizer for a refund; we expect "
                        "organizers to grant reasonable requests for postponed events."
                    ),
                ),
            ),
            PolicySection(
                _("4. Payments that bought nothing"),
                (
                    _(
                        "If Paystack takes a payment that does not match your order (another amount or currency), "
                        "or your payment arrives after your 15-minute hold ended and the seats were sold "
                        "meanwhile, no tickets are issued: the whole payment is refunded automatically and you "
                        "are emailed why."
                    ),
                ),
            ),
            PolicySection(
                _("5. Free registrations"),
                (
                    _(
                        "Nothing was paid, so there is nothing to refund. The organizer can cancel a registration, "
                        "which frees the seat."
                    ),
                ),
            ),
            PolicySection(
                _("6. How long it takes"),
                (
                    _(
                        "We send each refund to Paystack at once and follow it until it is processed. Money "
                        "usually reaches cards within 5 to 10 working days and mobile money sooner; the timing "
                        "depends on your bank or provider. You are emailed when it is processed. If Paystack "
                        "cannot complete a refund, the organizer is told, the order's tickets work again and the "
                        "organizer can send the refund once more."
                    ),
                    _(
                        "A refund you expected has not arrived, or the organizer does not answer? Write to {mail} "
                        "with your order reference (it starts with EVT-)."
                    ),
                ),
            ),
            PolicySection(
                _("7. Transferred tickets and chargebacks"),
                (
                    _(
                        "A refund always goes to whoever paid, even when the ticket was transferred. Please ask "
                        "the organizer, or us, before disputing a payment with your bank: a refund through "
                        "{name} is usually faster than a chargeback."
                    ),
                ),
            ),
        ),
    )


def _events(_: Writer) -> tuple[str, str, tuple[PolicySection, ...]]:
    summary = _(
        "What organizers may sell on {name}, what every listing must say, and what we do when an event "
        "breaks these rules."
    )
    return (
        N_("Events policy"),
        summary,
        (
            PolicySection(
                _("1. Who may sell"),
                (
                    _(
                        "Any verified account can become an organizer and create a workspace. To publish paid "
                        "events the workspace must pass our verification (KYC): the legal name of the person or "
                        "business, an identity or registration document and a payout account in the same name. "
                        "The blue verified badge is a separate, further review."
                    ),
                ),
            ),
            PolicySection(
                _("2. Events you may list"),
                (
                    _(
                        "Real events that you have the right to hold and to sell entry to: concerts, festivals, "
                        "conferences, workshops, sports, religious and community gatherings, online sessions and "
                        "similar. Physical events need a venue and city; online events a meeting link, which only "
                        "ticket holders see."
                    ),
                ),
            ),
            PolicySection(
                _("3. Events you may not list"),
                points=(
                    _(
                        "Events that are illegal where they take place, or that lack a licence or permit the "
                        "law requires (for example for alcohol, public gatherings or gaming)."
                    ),
                    _(
                        "Sales of anything other than entry to an event: goods, raffles or lottery tickets, "
                        "investment schemes, crowdfunding or donations presented as tickets."
                    ),
                    _(
                        "Events that promote hatred, violence or discrimination, or sexual content involving "
                        "minors; adult-only events must say so and check age at the door."
                    ),
                    _(
                        "Resale of another organizer's tickets, or events you do not organize or are not "
                        "authorised to sell for."
                    ),
                    _("Fake, duplicate or misleading listings, including invented lineups or venues."),
                ),
            ),
            PolicySection(
                _("4. What a listing must say"),
                (
                    _(
                        "The true date, time and time zone, the venue or that it is online, what each ticket tier "
                        "includes, any age limit or entry conditions, and how attendees can reach you. Prices are "
                        "shown in the event's currency, with the service fee shown separately when you pass it on."
                    ),
                ),
            ),
            PolicySection(
                _("5. Your duties to attendees"),
                (
                    _(
                        "Admit every valid ticket, scanned or typed at the door. If the event changes materially, "
                        "postpone it (tickets stay valid, holders are emailed) or cancel it (every paid order is "
                        "refunded in full). Answer refund requests under the Refund policy. Use attendee data only "
                        "to run your event, as the Privacy policy says."
                    ),
                ),
            ),
            PolicySection(
                _("6. Enforcement"),
                (
                    _(
                        "We may unlist an event, cancel it and refund its buyers, hold a workspace's payouts, "
                        "revoke its verified badge or suspend its accounts when this policy is broken or buyers "
                        "are at risk. Report an event that breaks these rules to {mail} with its link."
                    ),
                ),
            ),
        ),
    )


def _acceptable_use(_: Writer) -> tuple[str, str, tuple[PolicySection, ...]]:
    summary = _(
        "The rules for everyone who uses {name}: attendees, organizers and their teams, and developers using the API."
    )
    return (
        N_("Acceptable use policy"),
        summary,
        (
            PolicySection(
                _("You may not"),
                points=(
                    _("Use someone else's account, payment method or identity, or give false KYC details."),
                    _(
                        "Copy, forge or alter tickets or QR codes, or try to enter with a ticket that is not yours "
                        "or no longer valid."
                    ),
                    _("Resell tickets above their face value, or buy tickets in bulk to resell them."),
                    _(
                        "Use bots or scripts to buy tickets, create accounts or guess codes, or get around rate "
                        "limits, sales limits or the one-registration rule of free events."
                    ),
                    _(
                        "Probe, scan or attack the service, or access data that is not yours. If you find a "
                        "security problem, tell us at {mail} and give us time to fix it before disclosing it."
                    ),
                    _(
                        "Send spam through invitations or ticket transfers, or harass other users, organizers or "
                        "door staff."
                    ),
                    _(
                        "Upload content you have no rights to, malware, or images that are unlawful, hateful or "
                        "sexually explicit."
                    ),
                    _("Use attendee data you receive as an organizer for anything but your event."),
                ),
            ),
            PolicySection(
                _("What we do"),
                (
                    _(
                        "We may remove content, refuse or refund orders, invalidate tickets obtained by breaking "
                        "these rules, and suspend or block accounts. Serious cases are reported to the police or "
                        "the relevant regulator. Report abuse to {mail}."
                    ),
                ),
            ),
        ),
    )


_POLICIES = (
    ("terms", routes.LEGAL_TERMS, _terms),
    ("privacy", routes.LEGAL_PRIVACY, _privacy),
    ("refund-policy", routes.LEGAL_REFUNDS, _refunds),
    ("events-policy", routes.LEGAL_EVENTS, _events),
    ("acceptable-use", routes.LEGAL_ACCEPTABLE_USE, _acceptable_use),
)


def policies() -> tuple[Policy, ...]:
    """Every policy, in the footer's order, with this deployment's name, address and company."""
    say, label = _writer(platform_identity()), version_label()
    built = []
    for key, path, write in _POLICIES:
        title, summary, sections = write(say)
        built.append(Policy(key, path, title, summary, TERMS_VERSION, label, sections))
    return tuple(built)


def policy(key: str) -> Policy:
    """One policy by its key (`terms`, `privacy`, `refund-policy`, `events-policy`, `acceptable-use`)."""
    found = next((p for p in policies() if p.key == key), None)
    if found is None:
        raise NotFound(message(N_("There is no policy called {key}."), key=key))
    return found

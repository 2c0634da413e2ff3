"""KYC (SPEC §1.2, §7): a workspace's owner or admin files who they are and where payouts go; KYC
reviewers (super admin, finance) approve, reject or ask for an update, and the organizer is emailed.

The decision is copied onto `workspaces.kyc_status`, the one column services/events/lifecycle.py reads
before a paid event may be published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    KycHolderType,
    KycStatus,
    KycSubmission,
    PayoutMethod,
    Upload,
    UploadBucket,
    User,
    Workspace,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin, platform
from eventpalour.services.admin import AdminCapability
from eventpalour.services.identity import ClientInfo, UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    Message,
    NotFound,
    ValidationFailed,
    clean_line,
    language_or_default,
    message,
)
from eventpalour.services.workspaces.access import WorkspaceAction, load_workspace_for
from eventpalour.services.workspaces.records import PHONE_PATTERN

DECISIONS = (KycStatus.APPROVED, KycStatus.REJECTED, KycStatus.REQUIRES_UPDATE)
ID_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{3,63}$")
BANK_ACCOUNT = re.compile(r"^[A-Za-z0-9 -]{5,34}$")
MAX_NOTE = 1000
REGISTRATION_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9 /.-]{2,63}$")


@dataclass(frozen=True)
class TaxIdRule:
    """A country's tax identifier: what it is called, what it looks like, how the error says so."""

    country_name: str
    label: str  # "KRA PIN"
    patterns: tuple[re.Pattern[str], ...]
    wrong_form: str  # the whole sentence of the error, naming the country, the identifier and its form
    hint: str  # the form's hint under the field: the form alone, as a sentence


# Each checked on the trimmed, upper-cased value with inner spaces removed.
TAX_ID_RULES: dict[str, TaxIdRule] = {
    "KE": TaxIdRule(
        N_("Kenya"),
        "KRA PIN",
        (re.compile(r"^[A-Z]\d{9}[A-Z]$"),),
        N_("A Kenya KRA PIN is a letter, 9 digits and a letter, like A123456789B."),
        N_("A letter, 9 digits and a letter, like A123456789B."),
    ),
    "NG": TaxIdRule(
        N_("Nigeria"),
        "TIN",
        (re.compile(r"^\d{8,12}$"), re.compile(r"^\d{8}-\d{4}$")),
        N_("A Nigeria TIN is 8 to 12 digits, or as FIRS issues it, like 12345678-0001."),
        N_("8 to 12 digits, or as FIRS issues it, like 12345678-0001."),
    ),
    "GH": TaxIdRule(
        N_("Ghana"),
        "TIN",
        (re.compile(r"^[A-Z]\d{10}$"), re.compile(r"^GHA-\d{9}-\d$")),
        N_("A Ghana TIN is a letter and 10 digits, like P0001234567, or your Ghana Card PIN, like GHA-123456789-1."),
        N_("A letter and 10 digits, like P0001234567, or your Ghana Card PIN, like GHA-123456789-1."),
    ),
    "ZA": TaxIdRule(
        N_("South Africa"),
        N_("Income tax number"),
        (re.compile(r"^[01239]\d{9}$"),),
        N_("A South Africa Income tax number is 10 digits starting with 0, 1, 2, 3 or 9."),
        N_("10 digits starting with 0, 1, 2, 3 or 9."),
    ),
}


def tax_id_label(country: str) -> str:
    """What the tax identifier is called in `country` ("KRA PIN"), or a general name."""
    rule = TAX_ID_RULES.get(country)
    return rule.label if rule else N_("Tax identification number")


def tax_id_refusal(country: str, tax_id: str) -> str | None:
    """Why `tax_id` is not a tax identifier of `country`, or None when it has the right form."""
    rule = TAX_ID_RULES.get(country)
    if rule is None:
        return N_("Choose the country where you pay tax.")
    if not tax_id:
        return message(N_("Enter your {label}."), label=message(rule.label))
    if not any(pattern.match(tax_id) for pattern in rule.patterns):
        return rule.wrong_form
    return None


def normalized_tax_id(value: str) -> str:
    """The tax identifier as checked and stored: trimmed, upper case, no spaces."""
    return "".join(clean_line(value).split()).upper()


QUEUE_LIMIT = 100


@dataclass(frozen=True)
class KycInput:
    """The KYC form as the organizer filled it in; `id_document_key` is their upload to the KYC bucket."""

    legal_name: str = ""
    id_number: str = ""
    id_document_key: str = ""
    phone: str = ""
    business_name: str = ""
    payout_method: str = ""
    payout_account_name: str = ""
    payout_account_number: str = ""
    payout_bank_name: str = ""
    holder_type: str = KycHolderType.INDIVIDUAL  # a company also gives its registration number
    tax_country: str = ""  # KE, NG, GH or ZA (TAX_ID_RULES)
    tax_id: str = ""
    business_registration_number: str = ""


@dataclass(frozen=True)
class KycView:
    """A submission as its workspace's admins and the reviewers see it."""

    id: str
    workspace_id: str
    workspace_name: str
    owner_email: str
    legal_name: str
    id_number: str
    id_document_key: str
    id_document_type: str
    phone: str
    business_name: str
    payout_method: str
    payout_account_name: str
    payout_account_number: str
    payout_bank_name: str
    holder_type: str
    holder_label: str  # "Individual" or "Company"
    tax_country: str
    tax_id_label: str  # "KRA PIN", per tax_country
    tax_id: str  # "" on filings from before tax identifiers were asked
    business_registration_number: str
    status: str
    review_note: str
    created_at: datetime
    reviewed_at: datetime | None
    # Whether the filing still awaits a reviewer's decision: `review_refusal`, the rule review_kyc enforces.
    can_decide: bool


STATUS_TEXT = {
    KycStatus.NONE: N_("Not submitted yet. Paid events can be published once KYC is approved."),
    KycStatus.PENDING: N_("In review. We'll email you when it is decided."),
    KycStatus.APPROVED: N_("Approved. You can publish paid events."),
    KycStatus.REJECTED: N_("Not approved. Correct your details and submit again."),
    KycStatus.REQUIRES_UPDATE: N_("Needs an update. Read the note, then submit again."),
}


@dataclass(frozen=True)
class WorkspaceKyc:
    """The workspace's KYC status and its latest filing (None before the first one), with what its
    admins may do now: `can_file` comes from `filing_refusal`, the rule submit_kyc enforces, and
    `status_text` says in words where the filing stands."""

    status: str
    latest: KycView | None
    can_file: bool
    status_text: str


def filing_refusal(status: str) -> str | None:
    """Why a workspace whose KYC is in `status` cannot file KYC now, or None when it can."""
    if status == KycStatus.PENDING:
        return N_("Your KYC is already in review. We'll email you when it is decided.")
    if status == KycStatus.APPROVED:
        return N_("Your KYC is already approved.")
    return None


ALREADY_DECIDED: dict[str, str] = {
    KycStatus.APPROVED: N_("This KYC submission was already approved."),
    KycStatus.REJECTED: N_("This KYC submission was already rejected."),
    KycStatus.REQUIRES_UPDATE: N_("This KYC submission was already sent back for an update."),
}
"""Why a decided filing cannot be decided again: a whole sentence per status (docs/glossary.md)."""


def review_refusal(status: str) -> str | None:
    """Why a filing in `status` cannot be decided now (it already was), or None while it is pending."""
    if status != KycStatus.PENDING:
        return ALREADY_DECIDED.get(status, N_("This KYC submission was already decided."))
    return None


def _workspace_kyc(session: Session, workspace: Workspace, latest: KycSubmission | None) -> WorkspaceKyc:
    return WorkspaceKyc(
        status=workspace.kyc_status,
        latest=_view(session, latest, workspace) if latest else None,
        can_file=filing_refusal(workspace.kyc_status) is None,
        status_text=STATUS_TEXT.get(workspace.kyc_status, ""),
    )


def _required(problems: list[FieldError], name: str, value: str, message: str) -> str:
    if not value:
        problems.append(FieldError((name,), message))
    return value


def _clean(data: KycInput) -> dict[str, str | None]:
    """The filing's fields, trimmed, or ValidationFailed listing every field with a problem."""
    problems: list[FieldError] = []
    legal_name = _required(problems, "legal_name", clean_line(data.legal_name), N_("Enter your full legal name."))
    if legal_name and not 2 <= len(legal_name) <= 255:
        problems.append(FieldError(("legal_name",), N_("Use 2 to 255 characters.")))
    id_number = _required(problems, "id_number", clean_line(data.id_number), N_("Enter your ID or passport number."))
    if id_number and not ID_NUMBER.match(id_number):
        problems.append(FieldError(("id_number",), N_("Use 4 to 64 letters, digits, spaces or dashes.")))
    _required(problems, "id_document_key", clean_line(data.id_document_key), N_("Upload a photo or PDF of your ID."))
    phone = _required(problems, "phone", clean_line(data.phone), N_("Enter a phone number."))
    if phone and not PHONE_PATTERN.match(phone):
        problems.append(
            FieldError(("phone",), N_("Enter the phone number with its country code, like +254 712 345678."))
        )
    business_name = clean_line(data.business_name)
    if len(business_name) > 255:
        problems.append(FieldError(("business_name",), N_("Use at most 255 characters.")))
    method = clean_line(data.payout_method)
    if method not in set(PayoutMethod):
        problems.append(FieldError(("payout_method",), N_("Choose bank account or M-Pesa.")))
    account_name = _required(
        problems, "payout_account_name", clean_line(data.payout_account_name), N_("Enter the name on the account.")
    )
    if len(account_name) > 255:
        problems.append(FieldError(("payout_account_name",), N_("Use at most 255 characters.")))
    number = _required(
        problems, "payout_account_number", clean_line(data.payout_account_number), N_("Enter the number.")
    )
    pattern = PHONE_PATTERN if method == PayoutMethod.MPESA else BANK_ACCOUNT
    if number and not pattern.match(number):
        message = (
            N_("Enter the M-Pesa number with its country code, like +254 712 345678.")
            if method == PayoutMethod.MPESA
            else N_("Use 5 to 34 letters or digits.")
        )
        problems.append(FieldError(("payout_account_number",), message))
    bank = clean_line(data.payout_bank_name)
    if method == PayoutMethod.BANK and not bank:
        problems.append(FieldError(("payout_bank_name",), N_("Enter the bank's name.")))
    holder_type = clean_line(data.holder_type)
    if holder_type not in set(KycHolderType):
        problems.append(FieldError(("holder_type",), N_("Choose individual or company.")))
    country = clean_line(data.tax_country).upper()
    if country not in TAX_ID_RULES:
        problems.append(FieldError(("tax_country",), N_("Choose Kenya, Nigeria, Ghana or South Africa.")))
    tax_id = normalized_tax_id(data.tax_id)
    if country in TAX_ID_RULES and (refusal := tax_id_refusal(country, tax_id)):
        problems.append(FieldError(("tax_id",), refusal))
    registration = clean_line(data.business_registration_number).upper()
    if holder_type == KycHolderType.COMPANY:
        if not business_name:
            problems.append(FieldError(("business_name",), N_("Enter the company's registered name.")))
        if not registration:
            problems.append(
                FieldError(("business_registration_number",), N_("Enter the company's business registration number."))
            )
        elif not REGISTRATION_NUMBER.match(registration):
            problems.append(
                FieldError(
                    ("business_registration_number",),
                    N_("Use 3 to 64 letters, digits, spaces or / . - as on the certificate, like PVT-AB1234XY."),
                )
            )
    if problems:
        raise ValidationFailed(N_("Some KYC details are missing or invalid."), details=problems)
    return {
        "holder_type": holder_type,
        "tax_country": country,
        "tax_id": tax_id,
        "business_registration_number": registration if holder_type == KycHolderType.COMPANY else None,
        "legal_name": legal_name,
        "id_number": id_number,
        "phone": phone,
        "business_name": business_name or None,
        "payout_method": method,
        "payout_account_name": account_name,
        "payout_account_number": number,
        "payout_bank_name": bank if method == PayoutMethod.BANK else None,
    }


def _check_document(session: Session, actor: UserSummary, key: str) -> Upload:
    """The ID document must be the actor's own upload in the private KYC bucket."""
    upload = session.get(Upload, clean_line(key))
    if upload is None or upload.bucket != UploadBucket.KYC or upload.owner_id != actor.id:
        raise ValidationFailed.field("id_document_key", N_("Upload your ID document again; the upload was not found."))
    return upload


def _view(session: Session, row: KycSubmission, workspace: Workspace) -> KycView:
    owner_email = session.exec(select(User.email).where(User.id == workspace.owner_id)).one()
    upload = session.get(Upload, row.id_document_key)
    return KycView(
        id=row.id,
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        owner_email=owner_email,
        legal_name=row.legal_name,
        id_number=row.id_number,
        id_document_key=row.id_document_key,
        id_document_type=upload.content_type if upload else "",
        phone=row.phone,
        business_name=row.business_name or "",
        payout_method=row.payout_method,
        payout_account_name=row.payout_account_name,
        payout_account_number=row.payout_account_number,
        payout_bank_name=row.payout_bank_name or "",
        holder_type=row.holder_type,
        holder_label=Message(N_("Company") if row.holder_type == KycHolderType.COMPANY else N_("Individual")),
        tax_country=row.tax_country or "",
        tax_id_label=tax_id_label(row.tax_country or ""),
        tax_id=row.tax_id or "",
        business_registration_number=row.business_registration_number or "",
        status=row.status,
        review_note=row.review_note or "",
        created_at=row.created_at,
        reviewed_at=row.reviewed_at,
        can_decide=review_refusal(row.status) is None,
    )


def _latest(session: Session, workspace_id: str) -> KycSubmission | None:
    return session.exec(
        select(KycSubmission)
        .where(KycSubmission.workspace_id == workspace_id)
        .order_by(col(KycSubmission.created_at).desc(), col(KycSubmission.id))
    ).first()


def workspace_kyc(*, actor: UserSummary | None, workspace_id: str) -> WorkspaceKyc:
    """The workspace's KYC status and latest filing, for its owner and admins (SPEC §1.3)."""
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
        return _workspace_kyc(session, access.workspace, _latest(session, access.workspace.id))


def submit_kyc(
    *, actor: UserSummary | None, workspace_id: str, data: KycInput, client: ClientInfo = ClientInfo()
) -> WorkspaceKyc:
    """File KYC for a workspace (owner or admin); the workspace's KYC becomes `pending`.

    Raises NotAuthenticated, NotFound, PermissionDenied (below admin), ValidationFailed (field
    errors, or a document that is not the actor's KYC upload), Conflict (a filing is already in
    review, or KYC is already approved).
    """
    cleaned = _clean(data)
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
        workspace = access.workspace
        if refusal := filing_refusal(workspace.kyc_status):
            raise Conflict(refusal)
        upload = _check_document(session, actor, data.id_document_key)
        row = KycSubmission(workspace_id=workspace.id, submitted_by_id=actor.id, id_document_key=upload.key, **cleaned)
        session.add(row)
        workspace.kyc_status = KycStatus.PENDING
        admin.record_audit(
            session,
            action="kyc.submit",
            actor_id=actor.id,
            target=("workspace", workspace.id),
            client=(client.ip, client.user_agent),
            details={"submission_id": row.id},
        )
        session.flush()
        return _workspace_kyc(session, workspace, row)


def list_kyc_queue(*, actor: UserSummary | None, status: str = "pending", search: str = "") -> list[KycView]:
    """Filings for reviewers: by review state (pending, oldest first; decided ones newest first)."""
    if status and status not in {"pending", *DECISIONS}:
        raise ValidationFailed.field("status", N_("Choose pending, approved, rejected or requires_update."))
    with read_only() as session:
        admin.require_admin(session, actor, AdminCapability.REVIEW_KYC)
        query = select(KycSubmission, Workspace).join(Workspace, col(Workspace.id) == col(KycSubmission.workspace_id))
        if status:
            query = query.where(KycSubmission.status == status)
        term = clean_line(search).lower()
        if term:
            query = query.where(
                func.lower(Workspace.name).contains(term) | func.lower(KycSubmission.legal_name).contains(term)
            )
        order = col(KycSubmission.created_at) if status == "pending" else col(KycSubmission.created_at).desc()
        rows = session.exec(query.order_by(order, col(KycSubmission.id)).limit(QUEUE_LIMIT)).all()
        return [_view(session, row, workspace) for row, workspace in rows]


def review_kyc(
    *,
    actor: UserSummary | None,
    submission_id: str,
    decision: str,
    note: str = "",
    client: ClientInfo = ClientInfo(),
) -> KycView:
    """Decide a pending filing: approve, reject or ask for an update (a note is required for the
    last two, since it tells the organizer what to fix). The workspace's status follows, the
    owner and the submitter are emailed, and the decision is audit-logged.

    Raises ValidationFailed, NotFound, PermissionDenied, Conflict (already decided).
    """
    if decision not in set(DECISIONS):
        raise ValidationFailed.field("decision", N_("Choose approve, reject or requires update."))
    text = clean_line(note)
    if decision != KycStatus.APPROVED and not text:
        raise ValidationFailed.field("note", N_("Tell the organizer why, so they know what to fix."))
    if len(text) > MAX_NOTE:
        raise ValidationFailed.field("note", message(N_("Use at most {count} characters."), count=MAX_NOTE))
    with transaction() as session:
        admin.require_admin(session, actor, AdminCapability.REVIEW_KYC)
        row = session.get(KycSubmission, submission_id or "")
        if row is None:
            raise NotFound(N_("This KYC submission does not exist."))
        if refusal := review_refusal(row.status):
            raise Conflict(refusal)
        workspace = session.get(Workspace, row.workspace_id)
        row.status, row.review_note, row.reviewed_by_id, row.reviewed_at = decision, text or None, actor.id, utcnow()
        workspace.kyc_status = decision
        recipients = set(
            session.exec(
                select(User.email, User.language).where(col(User.id).in_([workspace.owner_id, row.submitted_by_id]))
            )
        )
        for address, language in sorted(recipients, key=lambda r: r[0]):
            platform.enqueue(
                session,
                platform.kyc_decision_email(address, workspace.name, decision, text, language_or_default(language)),
            )
        admin.record_audit(
            session,
            action=f"kyc.{decision}",
            actor_id=actor.id,
            target=("workspace", workspace.id),
            client=(client.ip, client.user_agent),
            details={"submission_id": row.id, "note": text},
        )
        session.flush()
        return _view(session, row, workspace)


def workspace_country(session: Session, workspace_id: str) -> str:
    """Where the workspace is based: the tax country (KE, NG, GH, ZA) of its latest KYC filing that
    names one, or "" (no filing yet, or only filings from before tax countries were asked)."""
    country = session.exec(
        select(KycSubmission.tax_country)
        .where(KycSubmission.workspace_id == workspace_id, col(KycSubmission.tax_country).is_not(None))
        .order_by(col(KycSubmission.created_at).desc(), col(KycSubmission.id))
    ).first()
    return country or ""

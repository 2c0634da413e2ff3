"""The services' own words in the reader's language (#23 §1): refusals that name a role, a level or a
status are whole sentences (so each language orders them its own way), the emails organizers and
admins receive speak the recipient's language, the policies are written in Kiswahili and French, and
the organizer and admin tab titles are translated."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from eventpalour.api.page_titles import title_for
from eventpalour.config import settings
from eventpalour.services import identity, platform
from eventpalour.services.admin import admins
from eventpalour.services.finance import withdrawals
from eventpalour.services.platform import N_, Figure, MoneyWords, WaitWords, emails, gettext, policies
from eventpalour.services.platform.errors import Conflict, FieldError, PermissionDenied, RateLimited
from eventpalour.services.sales import refund_requests
from eventpalour.services.workspaces import access, invitations, kyc
from eventpalour.services.workspaces.invitations import InviteRequest
from tests.factories import (
    add_member,
    latest_email,
    make_admin,
    make_organizer,
    make_user,
    make_workspace,
    unique_email,
)
from tests.unit.test_kyc import _filed
from tests.unit.test_refund_requests import _paid, _ticket_ids, concert  # noqa: F401 (a fixture)
from tests.unit.test_withdrawals import earning, requested  # noqa: F401 (fixtures)

# --- refusals: whole sentences from one table ---------------------------------------------------------


def test_each_workspace_refusal_names_the_role_its_action_needs() -> None:
    assert set(access.REFUSALS) == set(access.WorkspaceAction)
    for action, sentence in access.REFUSALS.items():
        role = access.MIN_ROLE[action]
        above = "" if role == "owner" else " or above"
        assert sentence == f"Only a workspace {role.value}{above} can {action.value}.", action


def test_each_admin_refusal_names_exactly_the_levels_that_have_the_capability() -> None:
    def plural(label: str) -> str:
        return label + "s" if label.endswith("admin") else label + " admins"

    assert set(admins.REFUSALS) == set(admins.AdminCapability)
    for capability, sentence in admins.REFUSALS.items():
        names = [
            plural(admins.LEVEL_LABELS[level].lower())
            for level, caps in admins.CAPABILITIES.items()
            if capability in caps
        ]
        levels = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        assert sentence == f"Only {levels} can {capability.value}.", capability


def test_a_workspace_refusal_is_said_whole_in_the_reader_s_language() -> None:
    with pytest.raises(PermissionDenied) as caught:
        access.ensure_role("member", access.WorkspaceAction.MANAGE_EVENTS)

    assert caught.value.message == "Only a workspace moderator or above can create and edit events."
    assert caught.value.in_language("fr") == (
        "Seul un modérateur de l'espace de travail ou plus peut créer et modifier des événements."
    )
    assert caught.value.in_language("sw") == (
        "Ni mratibu wa eneo la kazi au zaidi pekee anayeweza kuunda na kuhariri matukio."
    )


def test_an_admin_level_refusal_is_said_in_the_reader_s_language() -> None:
    support = make_admin("support")
    with pytest.raises(PermissionDenied) as caught:
        kyc.list_kyc_queue(actor=support.summary)

    assert caught.value.message == "Only super admins and finance admins can review KYC."
    assert caught.value.in_language("fr") == (
        "Seuls les super administrateurs et les administrateurs finances peuvent examiner les KYC."
    )


def test_a_tax_identifier_of_the_wrong_form_is_explained_in_each_language() -> None:
    refusal = kyc.tax_id_refusal("KE", "A12345678B")
    error = FieldError(("tax_id",), refusal)

    assert error.in_language("en") == "A Kenya KRA PIN is a letter, 9 digits and a letter, like A123456789B."
    assert error.in_language("fr") == (
        "Un KRA PIN du Kenya se compose d'une lettre, de 9 chiffres et d'une lettre, par exemple A123456789B."
    )
    assert error.in_language("sw") == "KRA PIN ya Kenya ni herufi moja, tarakimu 9 na herufi moja, kama A123456789B."
    for country in kyc.TAX_ID_RULES:  # every country's hint is a sentence the catalogs hold
        hint = kyc.tax_id_refusal(country, "0")
        assert gettext("fr", hint) != hint and gettext("sw", hint) != hint, country


def test_a_decided_withdrawal_says_its_status_in_a_whole_sentence(requested) -> None:  # noqa: F811
    owner, _ws, request = requested
    finance = make_admin("finance")
    withdrawals.reject_withdrawal(actor=finance.summary, withdrawal_id=request.id, reason="Wrong account name")

    with pytest.raises(Conflict) as caught:
        withdrawals.mark_withdrawal_paid(actor=finance.summary, withdrawal_id=request.id, reference="KCB-1")

    assert caught.value.message == "This withdrawal was already rejected."
    assert caught.value.in_language("fr") == "Ce retrait a déjà été refusé."
    assert caught.value.in_language("sw") == "Utoaji huu wa pesa tayari umekataliwa."


# --- emails to organizers and admins, in their own language -------------------------------------------


def _speaks(user, language: str) -> None:
    identity.set_language(actor=user.summary, language=language)


def test_withdrawal_emails_speak_the_owner_s_language_money_included(requested) -> None:  # noqa: F811
    owner, _ws, request = requested
    _speaks(owner, "fr")
    finance = make_admin("finance")

    withdrawals.mark_withdrawal_paid(actor=finance.summary, withdrawal_id=request.id, reference="KCB-TRX-9")

    email = latest_email(owner.email, "withdrawal_paid")
    money = platform.format_money(300000, "KES", "fr")
    assert email.subject == f"Retrait de {money} payé"
    assert email.text_body.startswith(gettext("fr", "Hi,"))
    assert f"Nous avons versé {money} du solde de" in email.text_body
    assert "Référence du virement : KCB-TRX-9" in email.text_body
    assert "Your withdrawal" not in email.html_body and "Votre retrait a été payé" in email.html_body


def test_a_rejected_withdrawal_is_told_in_kiswahili(requested) -> None:  # noqa: F811
    owner, _ws, request = requested
    _speaks(owner, "sw")
    finance = make_admin("finance")

    withdrawals.reject_withdrawal(actor=finance.summary, withdrawal_id=request.id, reason="Jina la akaunti si sahihi")

    email = latest_email(owner.email, "withdrawal_rejected")
    assert email.subject == f"Utoaji wa {platform.format_money(300000, 'KES', 'sw')} haukulipwa"
    assert gettext("sw", "Reason: {reason}").format(reason="Jina la akaunti si sahihi") in email.text_body
    assert "Kiasi hicho kimerudi kwenye salio lako" in email.text_body


def test_kyc_decisions_reach_each_recipient_in_their_own_language() -> None:
    owner, _ws, submission_id = _filed()
    _speaks(owner, "sw")
    reviewer = make_admin("finance")

    kyc.review_kyc(
        actor=reviewer.summary, submission_id=submission_id, decision="requires_update", note="Picha haisomeki"
    )

    email = latest_email(owner.email, "kyc_decision")
    assert email.subject.startswith("KYC yako inahitaji kusasishwa: ")
    assert "Maelezo ya mkaguzi: Picha haisomeki" in email.text_body
    assert "Tafadhali sasisha taarifa zako" in email.text_body
    assert email.text_body.startswith(gettext("sw", "Hi,"))


def test_an_invitation_speaks_the_invitee_s_language_else_the_inviter_s() -> None:
    owner = make_organizer()
    _speaks(owner, "sw")
    ws = make_workspace(owner, name="Kilifi Beats")
    french = make_user()
    _speaks(french, "fr")
    newcomer = unique_email("new")

    invitations.invite_members(
        actor=owner.summary,
        workspace_id=ws.id,
        invitations=[InviteRequest(french.email, "moderator"), InviteRequest(newcomer, "admin")],
    )

    to_french = latest_email(french.email, "workspace_invitation")
    assert to_french.subject == f"Test Person vous invite dans Kilifi Beats sur {settings.platform_name}"
    assert f"rejoindre Kilifi Beats sur {settings.platform_name} en tant que modérateur." in to_french.text_body
    assert "Acceptez l'invitation (valable 7 jours) :" in to_french.text_body
    to_new = latest_email(newcomer, "workspace_invitation")
    assert f"amekualika ujiunge na Kilifi Beats kwenye {settings.platform_name} kama msimamizi." in to_new.text_body


def test_a_refund_request_reaches_each_admin_in_their_language(concert) -> None:  # noqa: F811
    owner, ws, event, tier_id = concert
    _speaks(owner, "fr")
    colleague = make_user()
    add_member(ws.id, colleague, "admin")  # never chose a language: English
    buyer = make_user(full_name="Wanjiku Kamau")
    order = _paid(buyer, event, tier_id)

    refund_requests.request_refund(
        actor=buyer.summary, order_id=order.order_id, ticket_ids=_ticket_ids(order.order_id)[:1], reason="Safari"
    )

    french = latest_email(owner.email, "refund_request_received")
    money = platform.format_money(250000, "KES", "fr")
    assert french.subject == "Demande de remboursement pour Sauti Sol Live"
    assert f"Wanjiku Kamau demande le remboursement de {money} (1 billet) sur la commande" in french.text_body
    english = latest_email(colleague.email, "refund_request_received")
    assert "Wanjiku Kamau asks for a refund of KES 2,500.00 (1 ticket) on order" in english.text_body


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("fr", "Votre espace de travail est vérifié : Kilifi Beats", "Motif : Great lineup"),
        ("sw", "Eneo lako la kazi limethibitishwa: Kilifi Beats", "Sababu: Great lineup"),
    ],
)
def test_badge_decisions_and_failed_refunds_are_written_per_language(language, subject, line) -> None:
    badge = emails.blue_ticket_decision("o@example.test", "Kilifi Beats", "approved", "Great lineup", language)
    assert badge.subject == subject and line in badge.text_body

    failed = emails.refund_failed("o@example.test", "Sauti Sol Live", "EVT-1", "KES 10.00", None, language)
    assert failed.subject == gettext(language, "A refund for {event} failed").format(event="Sauti Sol Live")
    assert gettext(language, "Paystack gave no reason.") in failed.text_body
    assert failed.subject != "A refund for Sauti Sol Live failed"


# --- the policies and the tab titles ------------------------------------------------------------------


@pytest.mark.parametrize("language", platform.TRANSLATED)
def test_every_policy_sentence_is_written_in_the_language_with_the_deployment_s_values(language: str) -> None:
    for policy in policies():
        sentences = [policy.summary, *(t for s in policy.sections for t in (s.heading, *s.paragraphs, *s.points))]
        for sentence in sentences:
            assert language in platform.translations(sentence.template), (policy.key, sentence)
            said = gettext(language, sentence)
            assert "{" not in said, said
    terms = policies()[0]
    assert gettext("fr", terms.sections[0].paragraphs[0]) == (
        f"{settings.platform_name} est exploité par {settings.legal_entity} (« nous »). Vous pouvez nous écrire "
        f"à {settings.support_email} pour toute question sur les présentes Conditions."
    )


def test_the_policies_date_is_written_per_locale() -> None:
    assert platform.policy_version_label() == "6 December 2026"
    assert platform.policy_version_label("fr") == "6 décembre 2026"
    assert platform.policy_version_label("sw") == "6 Desemba 2026"


def test_organizer_and_admin_tab_titles_are_translated() -> None:
    brand = settings.platform_name
    assert title_for("/admin/users") == f"Admin · Users · {brand}"
    assert title_for("/admin/users", "fr") == f"Administration · Utilisateurs · {brand}"
    assert title_for("/admin/users", "sw") == f"Usimamizi · {gettext('sw', 'Users')} · {brand}"
    assert title_for("/workspace/w1/settings", "fr") == f"Paramètres de l'espace de travail · {brand}"
    assert title_for("/scan/ab12cd", "sw") == f"Changanua tiketi · {brand}"


# --- the extraction check's services half ---------------------------------------------------------------

SERVICES = Path(__file__).resolve().parents[2] / "eventpalour" / "services"
RAISED = {
    "Conflict",
    "DomainError",
    "FieldError",
    "NotAuthenticated",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "RateLimited",
    "SecondFactorRequired",
    "SoldOut",
    "UnsupportedMediaType",
    "ValidationFailed",
}


def _message_of(call: ast.Call) -> ast.expr | None:
    """The message argument of a service error's constructor (or `ValidationFailed.field`), if any."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name == "field" and isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "ValidationFailed":
        index = 1
    elif name in RAISED:
        index = 1 if name in ("FieldError", "RateLimited") else 0
    else:
        return None
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == "message"), None)


def _plain_text(node: ast.expr | None, plain_names: set[str]) -> bool:
    """A literal, an f-string, a sum of texts or a text filled in by `.format()`, or a name bound to one:
    English no catalog holds (a marked template takes its values as the error's `values` instead)."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    return isinstance(node, ast.Name) and node.id in plain_names


def test_no_service_error_is_a_text_the_catalogs_cannot_hold() -> None:
    """Every message a service raises is marked (N_, message(N_(...), ...)) so the reader's layer says
    it in their language: a bare literal, an f-string or a glued sentence fails here."""
    unmarked = []
    for path in sorted(SERVICES.rglob("*.py")):
        tree = ast.parse(path.read_text())
        plain_names = {
            node.targets[0].id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and _plain_text(node.value, set())
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _plain_text(_message_of(node), plain_names):
                unmarked.append(f"{path.relative_to(SERVICES)}:{node.lineno}")
    assert unmarked == []


def test_the_check_finds_an_unmarked_message() -> None:
    tree = ast.parse('raise Conflict(f"Already {status}.")\nx = "Plain."\nraise NotFound(x)\nConflict(T.format(a=1))')
    raised = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _message_of(node) is not None]
    assert len(raised) == 3 and all(_plain_text(_message_of(call), {"x"}) for call in raised)
    assert not _plain_text(_message_of(ast.parse('Conflict(N_("Marked."))').body[0].value), set())


def test_values_with_words_of_their_own_are_said_in_the_reader_s_language() -> None:
    waited = RateLimited(900, N_("Too many wrong codes. Try again in {wait}."), values={"wait": WaitWords(900)})
    assert waited.message == "Too many wrong codes. Try again in 15 minutes."
    assert waited.in_language("sw") == "Misimbo mingi mno isiyo sahihi. Jaribu tena baada ya dakika 15."

    long = FieldError(("body",), N_("Keep the message to {count} characters."), {"count": Figure(10000)})
    assert long.message == "Keep the message to 10,000 characters."
    assert long.in_language("fr") == f"Le message doit faire au plus {Figure(10000).in_language('fr')} caractères."
    assert Figure(10000).in_language("fr") != "10,000"

    least = N_("A paid ticket costs at least {least} (Paystack's minimum).")
    cheap = FieldError(("price",), least, {"least": MoneyWords(300, "KES")})
    assert cheap.message == "A paid ticket costs at least KES 3.00 (Paystack's minimum)."
    assert (
        cheap.in_language("fr")
        == f"Un billet payant coûte au moins {platform.format_money(300, 'KES', 'fr')} (le minimum de Paystack)."
    )


def test_door_and_ticket_refusals_are_whole_sentences_per_language() -> None:
    """Statuses and limits inside a refusal are part of its catalog sentence (session 11's last ones)."""
    from datetime import UTC, datetime, timedelta

    from eventpalour.services.events.series_changes import _room_message
    from eventpalour.services.platform import gettext
    from eventpalour.services.tickets.checkin_lists import admission_rule
    from eventpalour.services.tickets.transfers import transfer_refusal

    now = datetime(2026, 12, 6, tzinfo=UTC)
    used = transfer_refusal("used", "active", now + timedelta(days=3), now)
    assert used == "Only valid tickets can be transferred; this one has been used."
    assert gettext("fr", used) == "Seuls les billets valides peuvent être transférés ; celui-ci a déjà été utilisé."
    room = _room_message(96)
    assert room == "A series has at most 100 dates; this one has 96, so add 1 to 4."
    assert gettext("sw", room) == "Mfululizo una tarehe zisizozidi 100; huu una 96, kwa hiyo ongeza kati ya 1 na 4."
    assert gettext("fr", admission_rule(False, False)) == "Chaque billet entre une seule fois sur cette liste."

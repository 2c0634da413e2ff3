"""/legal/...: the Terms, Privacy, Refund, Events and Acceptable use policies (issue #20 §4).

The texts, their version and the platform's name, support address and company come from
`platform.policies()` (services/platform/legal.py), read when the pages are built: the version a
page shows is the one sign-up records. Each sentence is a Message that `t()` says whole in the
reader's language (#23 §1), with the deployment's values filled into each language's sentence.
"""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.layout import page
from eventpalour.services import platform
from eventpalour.state.language import in_each_language, t

READING_WIDTH = "760px"


def _paragraph(text: str) -> rx.Component:
    return rx.text(t(text), as_="p", size="3", line_height="1.7", color=rx.color("gray", 12))


def _section(section: platform.PolicySection) -> rx.Component:
    return rx.el.section(
        rx.vstack(
            rx.heading(t(section.heading), as_="h2", size="5", margin_top="8px"),
            *(_paragraph(text) for text in section.paragraphs),
            rx.el.ul(
                *(rx.el.li(_paragraph(point), margin_bottom="6px") for point in section.points),
                padding_left="22px",
                margin="0",
                list_style_type="disc",
            )
            if section.points
            else rx.fragment(),
            spacing="3",
            width="100%",
        )
    )


def _contact(who: platform.PlatformIdentity) -> rx.Component:
    return rx.callout(
        rx.text(
            # The platform's name and company are settings, so they are filled in when the page compiles.
            t(
                "{name} is run by {company}. Questions about this policy, or a request about your data: write to ",
                name=who.name,
                company=who.legal_entity,
            ),
            rx.link(who.support_email, href=f"mailto:{who.support_email}"),
            ".",
        ),
        icon="mail",
        color_scheme="gray",
        width="100%",
    )


def _other_policies(current: str) -> rx.Component:
    return rx.el.nav(
        rx.vstack(
            rx.heading(t("Other policies"), as_="h2", size="3"),
            rx.flex(
                *(rx.link(t(p.title), href=p.path, size="2") for p in platform.policies() if p.key != current),
                wrap="wrap",
                column_gap="16px",
                row_gap="6px",
            ),
            spacing="2",
        ),
        aria_label=t("Other policies"),
    )


def _version_label() -> rx.Var[str]:
    """The policies' date written the reader's way ("6 décembre 2026")."""
    english = platform.policy_version_label()
    return in_each_language(english, {code: platform.policy_version_label(code) for code in platform.TRANSLATED})


def _title(key: str) -> str:
    return platform.policy(key).title


def policy_page(key: str) -> rx.Component:
    """One policy as an article: title, version, summary, its sections, who to write to."""
    policy, who = platform.policy(key), platform.platform_identity()
    return rx.el.article(
        rx.vstack(
            rx.text(t("Policies"), size="2", weight="medium", color_scheme="gray"),
            rx.heading(t(policy.title), as_="h1", size=rx.breakpoints(initial="7", sm="8")),
            rx.text(
                t("Version of "),
                rx.el.time(_version_label(), date_time=policy.version),
                size="2",
                color_scheme="gray",
            ),
            rx.text(t(policy.summary), as_="p", size="4", line_height="1.6"),
            rx.separator(size="4"),
            *(_section(section) for section in policy.sections),
            rx.separator(size="4"),
            _contact(who),
            _other_policies(key),
            spacing="5",
            width="100%",
        ),
        max_width=READING_WIDTH,
        margin="0 auto",
        padding_y=["8px", "24px"],
        overflow_wrap="break-word",
    )


@page(routes.LEGAL_TERMS, _title("terms"), in_sitemap=True, width=READING_WIDTH)
def terms() -> rx.Component:
    return policy_page("terms")


@page(routes.LEGAL_PRIVACY, _title("privacy"), in_sitemap=True, width=READING_WIDTH)
def privacy() -> rx.Component:
    return policy_page("privacy")


@page(routes.LEGAL_REFUNDS, _title("refund-policy"), in_sitemap=True, width=READING_WIDTH)
def refund_policy() -> rx.Component:
    return policy_page("refund-policy")


@page(routes.LEGAL_EVENTS, _title("events-policy"), in_sitemap=True, width=READING_WIDTH)
def events_policy() -> rx.Component:
    return policy_page("events-policy")


@page(routes.LEGAL_ACCEPTABLE_USE, _title("acceptable-use"), in_sitemap=True, width=READING_WIDTH)
def acceptable_use() -> rx.Component:
    return policy_page("acceptable-use")

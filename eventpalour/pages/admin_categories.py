"""/admin/categories: the category suggestions organizers sent, to approve (the name joins the list)
or reject."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.admin import admin_page, heading, not_found, review_filter
from eventpalour.components.badges import status_badge
from eventpalour.components.layout import loading
from eventpalour.components.lists import empty_card
from eventpalour.routes import ADMIN_CATEGORIES
from eventpalour.services.platform import N_
from eventpalour.state.admin import AdminState
from eventpalour.state.admin_categories import AdminCategoriesState as S
from eventpalour.state.language import fill, t

QUEUES = ["pending", "approved", "rejected"]


def _suggestion(row: rx.Var) -> rx.Component:
    view = row.view
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(view.name, weight="bold", size="4"),
                    status_badge(view.status, "review"),
                    align="center",
                ),
                rx.text(
                    fill(t("From {workspace} · {when}"), workspace=view.workspace_name, when=row.submitted),
                    size="2",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(
                view.can_decide,
                rx.hstack(
                    rx.button(
                        t("Approve"),
                        color_scheme="green",
                        on_click=S.decide(view.id, True),
                        aria_label=fill(t("Approve {name}"), name=view.name),
                    ),
                    rx.button(
                        t("Reject"),
                        color_scheme="red",
                        variant="soft",
                        on_click=S.decide(view.id, False),
                        aria_label=fill(t("Reject {name}"), name=view.name),
                    ),
                ),
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="3",
            width="100%",
        ),
        width="100%",
    )


@admin_page(ADMIN_CATEGORIES, N_("Admin · Categories"), on_load=S.load_suggestions)
def admin_categories() -> rx.Component:
    return rx.cond(
        AdminState.can_review_categories,
        rx.vstack(
            heading(
                t("Categories"),
                t("Suggestions from organizers. Approved names join the list every creator picks from."),
            ),
            review_filter(QUEUES, t("Show suggestions"), value=S.suggestion_status, on_change=S.set_suggestion_status),
            rx.cond(
                ~S.suggestions_loaded,
                loading(),
                rx.cond(
                    S.suggestions.length() == 0,
                    empty_card(t("No suggestions here."), "tags"),
                    rx.vstack(rx.foreach(S.suggestions, _suggestion), width="100%", spacing="3"),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        not_found(),
    )

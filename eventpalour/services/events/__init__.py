"""The events area: its public actions and types."""

from eventpalour.services.public_names import public_names

__getattr__, __all__ = public_names(
    __name__,
    {
        "discovery": [
            "CategoryOption",
            "DiscoveryFilters",
            "EventCard",
            "PublicEvent",
            "PublicPartner",
            "PublicTier",
            "discover_events",
            "get_public_event",
            "list_categories",
            "read_query",
        ],
        "event_rules": [
            "DOORS_CLOSE_AFTER_END",
            "EventInput",
            "PartnerInput",
            "TierInput",
            "clean_event",
            "parse_local",
        ],
        "lifecycle": [
            "EventActions",
            "EventDetails",
            "PAGE_SIZE",
            "SHORT_ID_ALPHABET",
            "change_status",
            "complete_finished_events",
            "create_event",
            "delete_event",
            "get_event_by_id",
            "list_workspace_events",
            "local_input_value",
            "refresh_search_text",
            "update_event",
        ],
        "media": [
            "MAX_PIXELS",
            "clean_upload",
        ],
        "organizers": [
            "OrganizerProfile",
            "SitemapOrganizer",
            "SocialLink",
            "get_organizer_profile",
            "list_sitemap_organizers",
        ],
        "tier_templates": [
            "MAX_TEMPLATES",
            "TEMPLATE_FIELDS",
            "TierTemplateInput",
            "TierTemplateView",
            "create_tier_template",
            "delete_tier_template",
            "list_tier_templates",
            "offered_templates",
            "template_offer_refusal",
            "update_tier_template",
        ],
        "tiers": [
            "check_tiers",
            "get_tiers",
            "save_tiers",
        ],
    },
)

"""The event page as plain HTML, written into /e/{short_id} by the Open Graph middleware (api/og.py)
so that a visitor reads it before any script has arrived (issue #24 §2: on a Fast 3G phone the app's
JavaScript takes seconds; this is in the first response).

The block is laid over the app (`#ep-first-paint`, position absolute, the page's own colours) and
styled by its own inline CSS, light or dark as the app's theme script or the system says. The app's
stylesheet, which would hold back every paint until its ~80 KB arrive, is kept in the <head> (React
hydrates that element) but with a media query that matches nothing; components/first_paint.jsx gives
it back to every screen and removes this block in the commit that shows the real page, so the two are
never on screen together. Every value is escaped here: the organizer writes them.
"""

from __future__ import annotations

import re
from html import escape

from eventpalour.services.events import EventWords, TierWords
from eventpalour.services.platform import N_, gettext

BLOCK_ID = "ep-first-paint"
BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
# The build's global stylesheet link (root.jsx renders it after its `rel="preload"` twin).
APP_STYLESHEET = re.compile(rb'<link href="(/assets/__reflex_global_styles-[A-Za-z0-9_-]+\.css)" rel="stylesheet"')
DEFERRED_MEDIA = b' media="not all" data-ep-deferred=""'
BANNER_WIDTH, BANNER_HEIGHT = 1200, 320  # the real page's banner: full width, 180 px high on phones, 320 px from md

# Radix Themes' slate, violet and status colours (steps 1–4, 9, 11, 12) as the real page uses them.
CSS = """
#ep-first-paint{--bg:#f9f9fb;--bar:#fcfcfd;--panel:#fff;--line:#e8e8ec;--text:#1c2024;--muted:#60646c;
--accent:#6550b9;--accent-bg:#f4f0fe;--green:#218358;--green-bg:#e6f6eb;--red:#ce2c31;--red-bg:#feebec;
--amber:#ab6400;--amber-bg:#fff7c2;--gray-bg:#f0f0f3;position:absolute;top:0;left:0;right:0;z-index:30;
min-height:100vh;background:var(--bg);color:var(--text);font:16px/1.5 -apple-system,BlinkMacSystemFont,
"Segoe UI",Roboto,"Helvetica Neue","Open Sans",system-ui,sans-serif;-webkit-text-size-adjust:100%}
@media (prefers-color-scheme:dark){:root:not(.light) #ep-first-paint{--bg:#18191b;--bar:#111113;
--panel:#1d1e21;--line:#272a2d;--text:#edeef0;--muted:#b0b4ba;--accent:#baa7ff;--accent-bg:#202248;
--green:#3dd68c;--green-bg:#132d21;--red:#ff9592;--red-bg:#3b1219;--amber:#ffca16;--amber-bg:#302008;
--gray-bg:#212225}}
:root.dark #ep-first-paint{--bg:#18191b;--bar:#111113;--panel:#1d1e21;--line:#272a2d;--text:#edeef0;
--muted:#b0b4ba;--accent:#baa7ff;--accent-bg:#202248;--green:#3dd68c;--green-bg:#132d21;--red:#ff9592;
--red-bg:#3b1219;--amber:#ffca16;--amber-bg:#302008;--gray-bg:#212225}
#ep-first-paint *{box-sizing:border-box}
#ep-first-paint a{color:var(--accent);text-decoration:underline;text-underline-offset:2px}
.epf-bar{background:var(--bar);border-bottom:1px solid var(--line)}
.epf-bar div{max-width:1200px;margin:0 auto;padding:12px 16px;height:57px;display:flex;align-items:center}
#ep-first-paint .epf-brand{font-weight:700;font-size:18px;text-decoration:none}
.epf-main{max-width:1200px;margin:0 auto;padding:16px;display:flex;flex-direction:column;gap:24px}
.epf-banner{display:block;width:100%;height:180px;object-fit:cover;border-radius:16px;
background:linear-gradient(135deg,#6e56cf,#ab4aba)}
.epf-note{margin:0;padding:12px 16px;border-radius:12px;background:var(--gray-bg)}
.epf-grid{display:grid;grid-template-columns:minmax(0,1fr);gap:32px}
.epf-head{display:flex;flex-direction:column;align-items:flex-start;gap:16px;min-width:0}
.epf-head h1{margin:0;font-size:28px;line-height:36px;font-weight:700;letter-spacing:-.01em;overflow-wrap:anywhere}
.epf-head p{margin:0}
.epf-fact{display:flex;align-items:center;gap:12px}
.epf-icon{flex:none;width:36px;height:36px;border-radius:10px;background:var(--accent-bg);color:var(--accent);
display:flex;align-items:center;justify-content:center}
.epf-strong{font-weight:500}
.epf-small{font-size:14px;line-height:20px;color:var(--muted)}
.epf-badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:14px;line-height:20px;
font-weight:500;background:var(--accent-bg);color:var(--accent)}
.epf-tickets{background:var(--panel);border:1px solid var(--line);border-radius:16px;padding:24px;align-self:start}
.epf-tickets h2{margin:0 0 12px;font-size:20px;line-height:28px}
.epf-tier{padding:12px 0;border-top:1px solid var(--line)}
.epf-row{display:flex;justify-content:space-between;gap:12px;font-weight:700}
.epf-tier p{margin:4px 0}
.epf-state{display:inline-block;margin-top:8px;padding:0 8px;border-radius:6px;font-size:12px;line-height:20px;
font-weight:500;background:var(--gray-bg);color:var(--muted)}
.epf-on{background:var(--green-bg);color:var(--green)}
.epf-out{background:var(--red-bg);color:var(--red)}
@media (min-width:768px){.epf-main{padding:24px}.epf-banner{height:320px}.epf-head h1{font-size:35px;line-height:40px}
.epf-grid{grid-template-columns:minmax(0,1fr) 360px}}
"""

# Lucide's calendar, map-pin and monitor, as the real page shows beside each fact.
ICONS = {
    "calendar": '<rect width="18" height="18" x="3" y="4" rx="2"/><path d="M16 2v4M8 2v4M3 10h18"/>',
    "map-pin": '<path d="M20 10c0 5-5.5 10.2-7.4 11.8a1 1 0 0 1-1.2 0C9.5 20.2 4 15 4 10a8 8 0 0 1 16 0"/>'
    '<circle cx="12" cy="10" r="3"/>',
    "monitor": '<rect width="20" height="14" x="2" y="3" rx="2"/><path d="M8 21h8M12 17v4"/>',
}


def _icon(name: str) -> str:
    return (
        '<span class="epf-icon" aria-hidden="true"><svg width="18" height="18" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
        f"{ICONS[name]}</svg></span>"
    )


def _fact(icon: str, main: str, small: str) -> str:
    return (
        f'<div class="epf-fact">{_icon(icon)}<div><div class="epf-strong">{escape(main)}</div>'
        f'<div class="epf-small">{escape(small)}</div></div></div>'
    )


def _tier(tier: TierWords) -> str:
    state = "epf-state epf-on" if tier.on_sale else "epf-state epf-out" if tier.sold_out else "epf-state"
    description = f'<p class="epf-small">{escape(tier.description)}</p>' if tier.description else ""
    return (
        f'<div class="epf-tier"><div class="epf-row"><span>{escape(tier.name)}</span>'
        f"<span>{escape(tier.price)}</span></div>{description}"
        f'<span class="{state}">{escape(tier.sale_label)}</span></div>'
    )


def _banner(words: EventWords) -> str:
    if not words.banner_url:
        return '<div class="epf-banner" aria-hidden="true"></div>'
    return (
        f'<img class="epf-banner" src="{escape(words.banner_url)}" alt="" width="{BANNER_WIDTH}" '
        f'height="{BANNER_HEIGHT}" fetchpriority="high">'
    )


def event_block(words: EventWords) -> str:
    """The event page as static HTML: banner, title, organizer, when, where and the tickets, with the
    live page's own labels in the words' language (the same catalog entries, so the two read alike)."""

    def label(text: str) -> str:
        return escape(gettext(words.language, text))

    category = f'<span class="epf-badge">{escape(words.category)}</span>' if words.category else ""
    verified = f' <span class="epf-badge">{label(N_("Verified"))}</span>' if words.verified else ""
    where = _fact("map-pin", words.venue or words.place, words.place if words.venue else "") if words.place else ""
    online = (
        _fact("monitor", words.online, gettext(words.language, "The link is sent to ticket holders."))
        if words.online
        else ""
    )
    note = f'<p class="epf-note" role="note">{escape(words.status_note)}</p>' if words.status_note else ""
    price_from = f'<p class="epf-small">{escape(words.price_from)}</p>' if words.price_from else ""
    tiers = "".join(_tier(tier) for tier in words.tiers) or (
        f'<p class="epf-small">{label(N_("No tickets are available for this event."))}</p>'
    )
    zone = gettext(words.language, "Time zone: ") + words.zone
    organizer = f'<a href="{escape(words.organizer_url)}"><strong>{escape(words.organizer)}</strong></a>'
    heading, by = label(N_("Tickets")), label(N_("By "))
    return (
        f'<div id="{BLOCK_ID}"><style>{CSS}</style>'
        '<div class="epf-bar"><div><a class="epf-brand" href="/">EventPalour</a></div></div>'
        f'<main class="epf-main">{_banner(words)}{note}<div class="epf-grid"><div class="epf-head">{category}'
        f"<h1>{escape(words.title)}</h1>"
        f"<p>{by}{organizer}{verified}</p>"
        f"{_fact('calendar', words.schedule, zone)}{where}{online}</div>"
        f'<section class="epf-tickets" aria-label="{heading}"><h2>{heading}</h2>{price_from}{tiers}</section>'
        "</div></main></div>"
    )


def add_first_paint(html: bytes, words: EventWords) -> bytes:
    """`html` with the event's static block first in its <body> and the app's stylesheet no longer
    holding back the first paint; unchanged when it has no <body> or no app stylesheet to defer (the
    block would then be covered by, or wait for, the app's own styles)."""
    body = BODY_START.search(html)
    stylesheet = APP_STYLESHEET.search(html)
    if body is None or stylesheet is None or stylesheet.start() > body.start():
        return html
    deferred = html[: stylesheet.end()] + DEFERRED_MEDIA + html[stylesheet.end() : body.end()]
    return deferred + event_block(words).encode() + html[body.end() :]

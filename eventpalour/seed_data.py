"""The demo catalogue `make run` seeds: organizers, their workspaces and about twenty events.

Dates are relative to the day of seeding (days from today, local wall-clock time in the city's
zone), so the demo always has upcoming events. Prices are in major units here for readability;
seed.py turns them into minor units. Every ticket the demo shows as sold is a real order, made by
one of the demo attendees through checkout (and paid at the Paystack sandbox): `sales`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ZONES = {
    "Nairobi": ("Kenya", "Africa/Nairobi"),
    "Mombasa": ("Kenya", "Africa/Nairobi"),
    "Kigali": ("Rwanda", "Africa/Kigali"),
    "Lagos": ("Nigeria", "Africa/Lagos"),
    "Accra": ("Ghana", "Africa/Accra"),
    "Cape Town": ("South Africa", "Africa/Johannesburg"),
}


@dataclass(frozen=True)
class DemoOrganizer:
    email: str
    name: str
    workspace: str
    about: str
    verified: bool = False


@dataclass(frozen=True)
class DemoTier:
    name: str
    price: int = 0
    quantity: int | None = None
    description: str = ""
    max_per_order: int = 10
    sales_start_in_days: int | None = None


@dataclass(frozen=True)
class DemoSale:
    """One order: `buyer` (a demo attendee's email) takes `tickets` (tier name -> how many)."""

    buyer: str
    tickets: dict[str, int]


@dataclass(frozen=True)
class DemoEvent:
    organizer: str
    title: str
    category: str
    city: str
    venue: str
    days: int
    start: str
    hours: float
    description: str
    tiers: tuple[DemoTier, ...]
    currency: str = "KES"
    type: str = "physical"
    platform: str = ""
    partners: tuple[str, ...] = ()
    banner: tuple[str, str] | None = None
    outcome: str = "publish"  # or "past" (moved before today, completed) or "cancel"
    sales: tuple[DemoSale, ...] = ()
    extra: dict = field(default_factory=dict)


ATTENDEES = (
    ("attendee@eventpalour.demo", "Amina Wanjiru"),
    ("brian@eventpalour.demo", "Brian Otieno"),
    ("fatuma@eventpalour.demo", "Fatuma Hassan"),
    ("kofi@eventpalour.demo", "Kofi Asante"),
    ("zanele@eventpalour.demo", "Zanele Dube"),
)
"""Demo attendees, who bought every ticket the demo shows as sold; the first is the one to try."""


ORGANIZERS = (
    DemoOrganizer(
        "organizer@eventpalour.demo",
        "Kwame Mensah",
        "Nairobi Sound Collective",
        "Live music nights, festivals and sundowners across East Africa since 2016.",
        verified=True,
    ),
    DemoOrganizer(
        "wanjiku@eventpalour.demo",
        "Wanjiku Kamau",
        "Savannah Tech Hub",
        "Meetups, workshops and summits for builders in Nairobi's tech community.",
    ),
    DemoOrganizer(
        "chinedu@eventpalour.demo",
        "Chinedu Okafor",
        "West Coast Creatives",
        "Art walks, food festivals and rooftop parties in Lagos and Accra.",
    ),
    DemoOrganizer(
        "thandi@eventpalour.demo",
        "Thandi Nkosi",
        "Coastline Runners",
        "Trail runs, beach races and outdoor weekends from Cape Town to Mombasa.",
    ),
)

_JAZZ = """An evening of **live jazz** under the trees of the Nairobi Arboretum.

- Three bands, from swing to Afro-jazz
- Food trucks and a cash-free bar
- Gates open at 17:00; bring a blanket

*Children under 12 enter free with an adult ticket holder.*"""

EVENTS = (
    DemoEvent(
        "organizer@eventpalour.demo",
        "Jazz on the Lawn",
        "Music",
        "Nairobi",
        "Nairobi Arboretum",
        6,
        "18:00",
        5,
        _JAZZ,
        (
            DemoTier("Early Bird", 1500, 20, "The first twenty tickets."),
            DemoTier("Regular", 2500, 300, "General admission."),
            DemoTier("VIP", 6000, 40, "Reserved seating near the stage and a welcome drink.", max_per_order=4),
        ),
        partners=("Safaricom", "Tusker"),
        banner=("#6d28d9", "#db2777"),
        sales=(  # Early Bird sold out: all twenty seats
            DemoSale("attendee@eventpalour.demo", {"Early Bird": 2}),
            DemoSale("brian@eventpalour.demo", {"Early Bird": 6, "Regular": 2}),
            DemoSale("fatuma@eventpalour.demo", {"Early Bird": 4, "VIP": 2}),
            DemoSale("kofi@eventpalour.demo", {"Early Bird": 4}),
            DemoSale("zanele@eventpalour.demo", {"Early Bird": 4}),
        ),
    ),
    DemoEvent(
        "organizer@eventpalour.demo",
        "Afro-House Sundowner",
        "Music",
        "Mombasa",
        "Nyali Beach Gardens",
        13,
        "16:00",
        7,
        "Afro-house DJs from sunset until late on the beach in Nyali. Dress light, dance barefoot.",
        (
            DemoTier("General", 2000, 500),
            DemoTier(
                "VIP Table (6 guests)", 30000, 10, "A beach-side table for six with bottle service.", max_per_order=2
            ),
        ),
        banner=("#ea580c", "#be123c"),
        sales=(DemoSale("attendee@eventpalour.demo", {"General": 2}),),
    ),
    DemoEvent(
        "organizer@eventpalour.demo",
        "Benga Legends Live",
        "Music",
        "Nairobi",
        "Alliance Française",
        20,
        "19:00",
        4,
        "A tribute to the golden age of **Kenyan benga**, with a ten-piece band and guest vocalists.",
        (DemoTier("Regular", 1000, 250), DemoTier("Couple", 1800, 50, "Two tickets at a better price.")),
    ),
    DemoEvent(
        "organizer@eventpalour.demo",
        "Kigali Jazz Junction",
        "Music",
        "Kigali",
        "Kigali Serena Hotel",
        34,
        "19:30",
        4,
        "Rwanda's favourite monthly jazz night. Second-release tickets go on sale ten days from now.",
        (
            DemoTier("First release", 25, 150),
            DemoTier("Second release", 35, 200, "Goes on sale once the first release is gone.", sales_start_in_days=10),
        ),
        currency="USD",
        banner=("#0f766e", "#1d4ed8"),
    ),
    DemoEvent(
        "organizer@eventpalour.demo",
        "Nairobi Jazz Festival 2026",
        "Music",
        "Nairobi",
        "Carnivore Grounds",
        -40,
        "12:00",
        10,
        "Ten hours of jazz on two stages. Thank you to everyone who came!",
        (DemoTier("Day pass", 3000, 2000),),
        outcome="past",
    ),
    DemoEvent(
        "organizer@eventpalour.demo",
        "Kenyan Shorts: Film Night",
        "Arts & Culture",
        "Nairobi",
        "Goethe-Institut",
        9,
        "19:00",
        3,
        "Six short films by young Kenyan directors, followed by a Q&A with the filmmakers.",
        (DemoTier("Free entry", 0, 120),),
        banner=("#1e293b", "#7c3aed"),
    ),
    DemoEvent(
        "wanjiku@eventpalour.demo",
        "Python Nairobi: Async in Practice",
        "Technology",
        "Nairobi",
        "iHub, Senteu Plaza",
        4,
        "18:00",
        3,
        "Talks on `asyncio`, FastAPI and background jobs, then pizza. Join in person or follow the stream.",
        (DemoTier("In person", 0, 80), DemoTier("Online", 0)),
        type="hybrid",
        platform="zoom",
        banner=("#2563eb", "#0891b2"),
        sales=(
            DemoSale("attendee@eventpalour.demo", {"In person": 1}),
            DemoSale("brian@eventpalour.demo", {"In person": 1}),
            DemoSale("kofi@eventpalour.demo", {"Online": 1}),
        ),
    ),
    DemoEvent(
        "wanjiku@eventpalour.demo",
        "Building with M-Pesa APIs",
        "Technology",
        "Nairobi",
        "Nairobi Garage, Westlands",
        16,
        "09:00",
        7,
        "A hands-on workshop: STK push, callbacks and reconciliation. Bring a laptop.",
        (DemoTier("Standard", 3500, 60), DemoTier("Student", 1000, 30, "Bring a valid student ID.")),
        sales=(
            DemoSale("kofi@eventpalour.demo", {"Standard": 1}),
            DemoSale("zanele@eventpalour.demo", {"Student": 1}),
        ),
    ),
    DemoEvent(
        "wanjiku@eventpalour.demo",
        "Africa Fintech Founders Summit",
        "Business",
        "Nairobi",
        "KICC",
        40,
        "08:30",
        33,
        "Two days of talks and deal rooms for fintech founders, operators and investors from across Africa.",
        (
            DemoTier("Delegate", 150, 800),
            DemoTier("Startup", 75, 200, "For companies under three years old."),
            DemoTier("Investor", 300, 50, max_per_order=2),
        ),
        currency="USD",
        partners=("Paystack", "Flutterwave", "Google for Startups"),
        banner=("#4338ca", "#0f172a"),
    ),
    DemoEvent(
        "wanjiku@eventpalour.demo",
        "Women in Data Science Kenya",
        "Technology",
        "Nairobi",
        "",
        11,
        "17:00",
        2,
        "An online evening of lightning talks by women working in data science across Kenya.",
        (DemoTier("Free registration", 0),),
        type="online",
        platform="google-meet",
    ),
    DemoEvent(
        "wanjiku@eventpalour.demo",
        "Product Management 101",
        "Business",
        "Nairobi",
        "",
        8,
        "18:30",
        2,
        "A live online class on discovery, roadmaps and working with engineers. Recording included.",
        (DemoTier("Class ticket", 1200),),
        type="online",
        platform="zoom",
    ),
    DemoEvent(
        "wanjiku@eventpalour.demo",
        "DevFest Nairobi 2026",
        "Technology",
        "Nairobi",
        "Strathmore University",
        -25,
        "09:00",
        8,
        "A day of talks and codelabs on Android, web, cloud and AI.",
        (DemoTier("General", 0, 600),),
        outcome="past",
    ),
    DemoEvent(
        "chinedu@eventpalour.demo",
        "Yaba Art Walk",
        "Arts & Culture",
        "Lagos",
        "Yaba Art District",
        5,
        "15:00",
        4,
        "A guided walk through five galleries and studios in Yaba, ending with drinks at a rooftop.",
        (DemoTier("Walker", 0, 60),),
        currency="NGN",
        banner=("#c026d3", "#f59e0b"),
    ),
    DemoEvent(
        "chinedu@eventpalour.demo",
        "Afrobeats Rooftop Party",
        "Music",
        "Lagos",
        "The Rooftop, Victoria Island",
        12,
        "20:00",
        6,
        "The best Afrobeats and amapiano DJs in Lagos, on a rooftop over the lagoon.",
        (DemoTier("Regular", 15000, 400), DemoTier("VIP", 50000, 60, max_per_order=4)),
        currency="NGN",
        sales=(
            DemoSale("zanele@eventpalour.demo", {"Regular": 2}),
            DemoSale("fatuma@eventpalour.demo", {"VIP": 1}),
        ),
    ),
    DemoEvent(
        "chinedu@eventpalour.demo",
        "Suya & Small Chops Festival",
        "Food & Drink",
        "Lagos",
        "Muri Okunola Park",
        18,
        "12:00",
        8,
        "Forty vendors, one park: suya, puff-puff, small chops and cold zobo all afternoon.",
        (DemoTier("Entry", 5000, 1500),),
        currency="NGN",
        banner=("#b45309", "#dc2626"),
    ),
    DemoEvent(
        "chinedu@eventpalour.demo",
        "Accra Jollof Cook-off",
        "Food & Drink",
        "Accra",
        "Osu Oxford Street",
        22,
        "13:00",
        6,
        "Ghana's best home cooks compete for the golden spoon. Tasting plates included.",
        (DemoTier("Taster", 150, 300), DemoTier("Judge's table", 600, 12, max_per_order=2)),
        currency="GHS",
        sales=(DemoSale("kofi@eventpalour.demo", {"Taster": 2}),),
    ),
    DemoEvent(
        "chinedu@eventpalour.demo",
        "Accra Startup Pitch Night",
        "Business",
        "Accra",
        "Impact Hub Accra",
        7,
        "18:00",
        3,
        "Ten early-stage startups pitch to a panel of investors. Networking after.",
        (DemoTier("Audience", 0, 150),),
        currency="GHS",
    ),
    DemoEvent(
        "chinedu@eventpalour.demo",
        "Lekki Sunset Yoga",
        "Sports",
        "Lagos",
        "Lekki Conservation Centre",
        3,
        "17:30",
        2,
        "A gentle outdoor flow at sunset. Mats provided.",
        (DemoTier("Mat", 0, 40),),
        currency="NGN",
        outcome="cancel",
    ),
    DemoEvent(
        "thandi@eventpalour.demo",
        "Table Mountain Sunrise Trail Run",
        "Sports",
        "Cape Town",
        "Kloof Nek parking",
        10,
        "05:30",
        4,
        "A 14 km guided trail run to watch the sunrise from the top. Headlamps required.",
        (DemoTier("Runner", 250, 120),),
        currency="ZAR",
        banner=("#15803d", "#0e7490"),
        sales=(DemoSale("zanele@eventpalour.demo", {"Runner": 1}),),
    ),
    DemoEvent(
        "thandi@eventpalour.demo",
        "Mombasa Beach 10K",
        "Sports",
        "Mombasa",
        "Jomo Kenyatta Public Beach",
        27,
        "06:30",
        4,
        "A flat, fast 10 km along the beach, with a 5 km fun run for families.",
        (DemoTier("10K", 1000, 800), DemoTier("5K fun run", 500, 400)),
        sales=(
            DemoSale("fatuma@eventpalour.demo", {"10K": 1}),
            DemoSale("brian@eventpalour.demo", {"5K fun run": 2}),
        ),
    ),
    DemoEvent(
        "thandi@eventpalour.demo",
        "Wine & Words",
        "Arts & Culture",
        "Cape Town",
        "The Book Lounge",
        25,
        "18:30",
        3,
        "Readings by three South African novelists, paired with wines from small Cape vineyards.",
        (DemoTier("Seat", 450, 70),),
        currency="ZAR",
    ),
)

"""Where a buyer paid from, read from Paystack's verify response (#22 §1, "Buyers by country").

The billing address wins when the response carries one (a `billing_address`/`billing` object with a
country and city, on the transaction, its customer or its authorization, or in the metadata we sent),
because it is what the buyer typed; otherwise the country is the one the card or wallet was issued
in, `authorization.country_code` (contract §3), and the city is unknown. Only an ISO 3166 alpha-2
code Paystack could have meant is kept, so a garbled value counts as unknown rather than as a country.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pycountry

CITY_LENGTH = 80
_ADDRESS_KEYS = ("billing_address", "billing")


@dataclass(frozen=True)
class BuyerPlace:
    country: str = ""  # ISO 3166 alpha-2 ("KE"), "" when unknown
    city: str = ""  # as written in the billing address, "" when unknown


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _country_code(value: object) -> str:
    code = str(value or "").strip().upper()
    if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
        return code
    if len(code) == 3:  # an alpha-3 code ("KEN") names the same country
        found = pycountry.countries.get(alpha_3=code)
        return found.alpha_2 if found is not None else ""
    return ""


def _city(value: object) -> str:
    return " ".join(str(value or "").split())[:CITY_LENGTH]


def _billing_address(data: Mapping[str, Any]) -> Mapping[str, Any]:
    holders = (
        data,
        _mapping(data.get("customer")),
        _mapping(data.get("authorization")),
        _mapping(data.get("metadata")),
        _mapping(_mapping(data.get("customer")).get("metadata")),
    )
    for holder in holders:
        for key in _ADDRESS_KEYS:
            address = _mapping(holder.get(key))
            if address:
                return address
    return {}


def buyer_place(data: Mapping[str, Any]) -> BuyerPlace:
    """The country and city of the buyer of a verified transaction (`data` of verify)."""
    address = _billing_address(data)
    country = _country_code(address.get("country_code") or address.get("country"))
    if country:
        return BuyerPlace(country, _city(address.get("city")))
    return BuyerPlace(_country_code(_mapping(data.get("authorization")).get("country_code")), "")

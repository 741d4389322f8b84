"""Phone numbers: one stored form (`NNN-NNN-NNNN`, an extension as ` x123`) and a tappable `tel:` link.

`normalise_phone` turns what a page or a person writes ("(512) 555-0100", "+1 512.555.0100 ext 4")
into the stored form, or None when it is not a US number; the schema accepts only the stored form.
"""

from __future__ import annotations

import re

_PHONE = re.compile(r"^\s*(?:\+?1[\s.-]*)?\(?([2-9]\d{2})\)?[\s.-]*([2-9]\d{2})[\s.-]*(\d{4})"
                    r"\s*(?:(?:x|ext\.?|extension)\s*(\d{1,6}))?\s*$", re.IGNORECASE)


def normalise_phone(text) -> str | None:
    """The stored form of a US phone number, or None when `text` is not one."""
    if not isinstance(text, str):
        return None
    match = _PHONE.match(text)
    if not match:
        return None
    area, exchange, line, extension = match.groups()
    return f"{area}-{exchange}-{line}" + (f" x{extension}" if extension else "")


def tel_uri(phone) -> str | None:
    """`tel:+15125550100` (with `;ext=4` for an extension) for a stored phone, else None."""
    stored = normalise_phone(phone)
    if stored is None:
        return None
    number, _, extension = stored.partition(" x")
    return "tel:+1" + number.replace("-", "") + (f";ext={extension}" if extension else "")

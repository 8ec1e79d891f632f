"""Keys that make a plan's send unique: the plan PDF and the address, the intake and the address, the Message-ID."""

from __future__ import annotations

import hashlib
import re

from careplan.intake import Intake


def normalise_address(address: str) -> str:
    return address.strip().casefold()


def plan_key(pdf: bytes, recipient: str) -> str:
    """The ledger key: the plan PDF (unencrypted) and the address it goes to."""
    digest = hashlib.sha256(pdf)
    digest.update(b"\0" + normalise_address(recipient).encode("utf-8"))
    return digest.hexdigest()


def intake_key(intake: Intake, recipient: str) -> str:
    """The same intake to the same address, whatever the PDF looks like (branding, careplan version)."""
    digest = hashlib.sha256(b"careplan intake\0" + intake.model_dump_json().encode("utf-8"))
    digest.update(b"\0" + normalise_address(recipient).encode("utf-8"))
    return digest.hexdigest()


def message_id_for(key: str, from_address: str, generation: int = 0) -> str:
    """``<hash@domain-of-the-from-address>``, the same for every send of the same plan to the same person.

    ``generation`` is above 0 only for an explicit resend of an encrypted plan whose first send is unknown: that
    message carries a new password, so it must not be collapsed with the first by the parent's mail client."""
    seed = f"careplan message-id\0{key}" + (f"\0resend {generation}" if generation else "")
    digest = hashlib.sha256(seed.encode("ascii")).hexdigest()[:40]
    domain = from_address.rpartition("@")[2]
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        domain = ""
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?", domain):
        domain = "careplan.invalid"
    return f"<{digest}@{domain}>"

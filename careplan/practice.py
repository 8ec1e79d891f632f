"""The practice file: a consultant's branding and details, in TOML.

One public function, :func:`load_practice`. With no file, careplan uses embedded defaults, so ``careplan render``
works out of the box. ``careplan practice init`` writes :data:`STARTER`, a commented file to edit.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from careplan._io import read_capped
from careplan.errors import InputError, describe_validation_error
from careplan.intake.visit import Jurisdiction, Setting
from careplan.locales import Clock, Locale, PresetName, Spelling, VolumeUnits, WeightUnits, locale_for, make_locale

MAX_LOGO_BYTES = 2 * 1024 * 1024
HEX = r"^#[0-9a-fA-F]{6}$"

#: Emergency numbers by the intake's jurisdiction, for "call now" boxes.
EMERGENCY_NUMBERS = {"US": "911", "CA": "911", "UK": "999", "EU": "112", "AU": "000", "NZ": "111"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Colours(_Strict):
    primary: Annotated[str, Field(title="primary colour", pattern=HEX)] = "#1d5c73"
    accent: Annotated[str, Field(title="accent colour", pattern=HEX)] = "#b4481f"
    tint: Annotated[str, Field(title="background tint", pattern=HEX)] = "#eef5f7"


class Consultant(_Strict):
    name: Annotated[str, Field(title="consultant's name", max_length=200)] = "Your lactation consultant"
    credentials: Annotated[str, Field(title="credentials", max_length=200)] = "IBCLC"
    phone: Annotated[str | None, Field(title="consultant's phone", max_length=60)] = None
    email: Annotated[str | None, Field(title="consultant's email", max_length=200)] = None


class Contact(_Strict):
    phone: Annotated[str | None, Field(title="practice phone", max_length=60)] = None
    email: Annotated[str | None, Field(title="practice email", max_length=200)] = None
    website: Annotated[str | None, Field(title="website", max_length=200)] = None
    address: Annotated[str | None, Field(title="address", max_length=500)] = None


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address (127.0.0.0/8, ::1); never a name that merely starts with 127."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


#: Where the fax number goes in the practice's ``fax_gateway``.
FAX_NUMBER = "{number}"


class Smtp(_Strict):
    """How the practice sends email. The password is never stored here: it comes from the environment variable
    named by ``password_env`` or from the system keyring (service "careplan", the SMTP user)."""

    host: Annotated[str, Field(title="SMTP host", min_length=1, max_length=255)]
    port: Annotated[int | None, Field(title="SMTP port", ge=1, le=65535)] = None
    security: Annotated[
        Literal["tls", "starttls", "plain"],
        Field(
            title="connection security",
            description="tls (implicit, port 465), starttls (587), or plain (loopback only)",
        ),
    ] = "tls"
    user: Annotated[str | None, Field(title="SMTP user", max_length=255)] = None
    password_env: Annotated[str, Field(title="password environment variable", pattern=r"^[A-Z_][A-Z0-9_]*$")] = (
        "CAREPLAN_SMTP_PASSWORD"  # noqa: S105 - the name of a variable, not a password
    )
    from_address: Annotated[str, Field(title="from address", max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")]
    from_name: Annotated[str | None, Field(title="from name", max_length=200)] = None
    reply_to: Annotated[str | None, Field(title="reply-to address", max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")] = (
        None
    )
    copy_to: Annotated[
        str | None, Field(title="copy to the practice (Bcc)", max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")
    ] = None
    ca_file: Annotated[Path | None, Field(title="CA certificates file", description="Only for a private CA.")] = None
    timeout_seconds: Annotated[float, Field(title="timeout (seconds)", gt=0, le=300)] = 30.0
    fax_gateway: Annotated[
        str | None,
        Field(
            title="fax gateway",
            max_length=255,
            description='The email-to-fax address, with {number} where the fax number goes: "{number}@fax.example.net"',
        ),
    ] = None

    @field_validator("fax_gateway")
    @classmethod
    def _fax_gateway_is_an_address_template(cls, gateway: str | None) -> str | None:
        if gateway is None:
            return None
        if gateway.count(FAX_NUMBER) != 1:
            raise ValueError(f"must hold {FAX_NUMBER} exactly once, where the fax number goes")
        if not re.fullmatch(r"[^@\s{}]+@[^@\s{}.]+(\.[^@\s{}.]+)+", gateway.replace(FAX_NUMBER, "15550100")):
            raise ValueError(
                f'is not an email address once {FAX_NUMBER} is filled in (like "{FAX_NUMBER}@fax.example.net")'
            )
        return gateway

    @model_validator(mode="after")
    def _plain_only_on_loopback(self) -> Smtp:
        if self.security == "plain" and not is_loopback(self.host):
            raise ValueError("plain (unencrypted) SMTP is only allowed to a server on this computer (loopback)")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or {"tls": 465, "starttls": 587, "plain": 25}[self.security]


class LocaleChoice(_Strict):
    """The practice's locale: a preset (``locale = "UK"``), or a ``[locale]`` table with a preset and overrides."""

    preset: Annotated[PresetName, Field(title="locale preset", description='"US", "UK", "CA" or "AU"')]
    volume: Annotated[VolumeUnits | None, Field(title="volumes", description='"ml", "oz" or "both"')] = None
    weight: Annotated[WeightUnits | None, Field(title="weights", description='"metric", "imperial" or "both"')] = None
    clock: Annotated[Clock | None, Field(title="clock", description="12 or 24 (hours)")] = None
    spelling: Annotated[Spelling | None, Field(title="spelling", description='"us" or "uk"')] = None

    @model_validator(mode="before")
    @classmethod
    def _a_preset_alone(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"preset": value}
        if not isinstance(value, dict | LocaleChoice):
            raise ValueError('must be a preset ("US", "UK", "CA" or "AU") or a [locale] table')
        return value

    def chosen(self) -> Locale:
        return make_locale(
            self.preset, volume=self.volume, weight=self.weight, clock=self.clock, spelling=self.spelling
        )


DEFAULT_DISCLAIMER = (
    "This plan supports, and does not replace, care from your baby's doctor and your own. "
    "If you are worried about your baby, call your doctor or your local emergency number."
)


class InterviewPresets(_Strict):
    """Answers the practice gives every consult, so the interview does not ask them (shown at the start, and in
    the review to change)."""

    setting: Annotated[
        Setting | None, Field(title="consult setting", description='"clinic", "home", "virtual" or "emergency"')
    ] = None
    jurisdiction: Annotated[
        Jurisdiction | None,
        Field(title="where families live", description='"US", "CA", "UK", "EU", "AU", "NZ" or "other"'),
    ] = None


class Languages(_Strict):
    """How the practice uses translations: ``reviewed_only`` keeps a plan in English (with a note in the family's
    language) until a clinician has reviewed every translation it would use."""

    reviewed_only: Annotated[
        bool,
        Field(title="reviewed translations only",
              description="true: use a language only when its translations are marked reviewed"),
    ] = False


class Practice(_Strict):
    name: Annotated[str, Field(title="practice name", min_length=1, max_length=200)] = "Lactation care plan"
    logo: Annotated[Path | None, Field(title="logo (PNG or SVG)")] = None
    colours: Colours = Colours()
    consultant: Consultant = Consultant()
    contact: Contact = Contact()
    paper: Annotated[Literal["A4", "Letter"], Field(title="paper size")] = "A4"
    locale: Annotated[
        LocaleChoice | None,
        Field(title="locale", description="Units, weights, times, dates and spelling: a preset, with overrides."),
    ] = None
    disclaimer: Annotated[str, Field(title="disclaimer", max_length=2000)] = DEFAULT_DISCLAIMER
    footer: Annotated[str | None, Field(title="footer text", max_length=300)] = None
    emergency_number: Annotated[str | None, Field(title="emergency number", max_length=20)] = None
    smtp: Annotated[Smtp | None, Field(title="email settings")] = None
    data_folder: Annotated[
        Path | None, Field(title="data folder", description="Where careplan keeps the email send ledger.")
    ] = None
    templates: Annotated[
        Path | None, Field(title="template folder", description="Your own versions of any of careplan's templates.")
    ] = None
    interview: Annotated[
        InterviewPresets | None, Field(title="interview presets", description="Answers every consult shares.")
    ] = None
    languages: Annotated[
        Languages, Field(title="languages", description="Which translations a plan may use.")
    ] = Languages()

    @field_validator("logo")
    @classmethod
    def _logo_is_usable(cls, logo: Path | None) -> Path | None:
        if logo is None:
            return None
        if logo.suffix.lower() not in (".png", ".svg"):
            raise ValueError("logo must be a .png or .svg file")
        if not logo.is_file():
            raise ValueError("logo file not found")
        if logo.stat().st_size > MAX_LOGO_BYTES:
            raise ValueError("logo is larger than 2 MB")
        return logo

    @field_validator("templates")
    @classmethod
    def _templates_exist(cls, folder: Path | None) -> Path | None:
        if folder is not None and not folder.is_dir():
            raise ValueError("the templates folder does not exist")
        return folder

    @property
    def asset_folder(self) -> Path | None:
        """The folder the renderer may read the logo from, and nothing else."""
        return None if self.logo is None else self.logo.resolve().parent

    def emergency_for(self, jurisdiction: str) -> str | None:
        return self.emergency_number or EMERGENCY_NUMBERS.get(jurisdiction)

    def locale_for(self, jurisdiction: str | None) -> Locale:
        """The practice's locale when it set one; otherwise the preset for the family's country, or US."""
        return locale_for(None if self.locale is None else self.locale.chosen(), jurisdiction)


#: A practice file is a page of settings.
MAX_PRACTICE_BYTES = 256 * 1024


def load_practice(path: str | Path | None = None) -> Practice:
    """Read a practice TOML file (relative logo paths are taken from the file's folder); None gives defaults."""
    if path is None:
        return Practice()
    path = Path(path)
    try:
        data = tomllib.loads(read_capped(path, MAX_PRACTICE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise InputError([f"{path}: no such file"]) from None
    except ValueError as exc:  # not a regular file, too large (TOMLDecodeError is handled below)
        if isinstance(exc, tomllib.TOMLDecodeError):
            raise InputError([f"{path}: not valid TOML: {exc}"]) from None
        if isinstance(exc, UnicodeDecodeError):
            raise InputError([f"{path}: cannot be read (not UTF-8 text)"]) from None
        raise InputError([f"{path}: {exc}; a practice file is a few kilobytes"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([f"{path}: cannot be read ({type(exc).__name__})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([f"{path}: not valid TOML: {exc}"]) from None
    for key in ("logo", "templates", "data_folder"):
        if isinstance(data.get(key), str):
            data[key] = _beside(path, data[key], key)
    smtp = data.get("smtp")
    if isinstance(smtp, dict):
        if "password" in smtp:
            # Name the variable only when it looks like one: a password typed there too is never echoed.
            named = smtp.get("password_env")
            looks_right = isinstance(named, str) and re.fullmatch(r"[A-Z_][A-Z0-9_]*", named) is not None
            variable = named if looks_right and named != smtp.get("password") else None
            raise InputError(
                [
                    f"{path}: smtp › password: never put a password in the practice file; set the environment variable "
                    f"{variable or 'CAREPLAN_SMTP_PASSWORD'} or store it in the system keyring"
                ]
            )
        if isinstance(smtp.get("ca_file"), str):
            smtp["ca_file"] = _beside(path, smtp["ca_file"], "smtp › ca_file")
    try:
        return Practice.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, Practice, str(path))) from None


def _beside(practice: Path, name: str, key: str) -> Path:
    """A path the practice file names, relative to the file; one clear line for a name no file can have."""
    if "\x00" in name:
        raise InputError([f"{practice}: {key}: a file name cannot hold a NUL character"])
    return (practice.parent / name).resolve()


STARTER = """\
# careplan practice file: your practice's name, branding and details.
# Every setting is optional; delete what you do not need. Check it with: careplan practice check THIS_FILE

# The name at the top of every page.
name = "Riverside Lactation Care"

# Your logo, PNG or SVG, at most 2 MB. A path relative to this file.
# logo = "logo.png"

# Paper size: "A4" or "Letter". Not changed by the locale below.
paper = "Letter"

# How plans print amounts, weights, times, dates and a few words (the plan stays in English):
#   "US": 60 mL (2 oz), 3,400 g (7 lb 8 oz), 9:00 PM, March 2, 2026, diaper
#   "UK": 60 mL, 3,400 g, 21:00, 2 March 2026, nappy and paediatrician
#   "CA": 60 mL (2 oz), 3,400 g (7 lb 8 oz), 9:00 p.m., March 2, 2026, diaper
#   "AU": 60 mL, 3,400 g, 9:00 pm, 2 March 2026, nappy
# Leave it out to use the family's country (US, UK, CA or AU), or US for anywhere else.
# locale = "US"
# Or a preset with your own choices, any of: volume "ml", "oz" or "both"; weight "metric" (grams), "imperial"
# (lb and oz) or "both"; clock 12 or 24; spelling "us" or "uk" (nappy, paediatrician, colour). This can also be
# a [locale] table, put at the end of the file next to [colours].
# locale = { preset = "CA", volume = "ml", weight = "metric", clock = 24, spelling = "uk" }

# Shown on the first page and at the end of the plan.
disclaimer = "This plan supports, and does not replace, care from your baby's doctor and your own. If you are worried about your baby, call your doctor or your local emergency number."

# A folder with your own versions of careplan's templates (plan.html, _cover.html, ...), used before the
# built-in ones. Templates run in a sandbox; copy the built-in ones from careplan's templates/ folder to start.
# templates = "my-templates"

# A short line at the bottom of every page (optional).
# footer = "Riverside Lactation Care - 555-0100 - riverside.example.org"

# The emergency number to print. Leave it out to use the one for the family's country or region.
# emergency_number = "911"

# Where careplan keeps its email send ledger (which plans were sent). Default: ~/.local/share/careplan
# data_folder = "careplan-data"

# Sending plans by email (optional). The password is never stored here: set the environment variable named by
# password_env (default CAREPLAN_SMTP_PASSWORD), or store it in the system keyring under service "careplan".
# [smtp]
# host = "smtp.example.org"
# security = "tls"          # "tls" (port 465) or "starttls" (port 587); certificates are always verified;
#                           # "plain" only for a relay on this computer
# port = 465
# ca_file = "my-ca.pem"     # only for a private certificate authority
# password_env = "CAREPLAN_SMTP_PASSWORD"
# user = "jordan@riverside.example.org"
# from_address = "jordan@riverside.example.org"
# from_name = "Riverside Lactation Care"
# reply_to = "hello@riverside.example.org"
# copy_to = "records@riverside.example.org"   # a Bcc copy to the practice
# Sending letters to clinicians by fax (careplan letter --send fax), through an email-to-fax service: its address
# with {number} where the fax number goes (digits only; write "+{number}" if the service wants international
# numbers). Needs security = "tls" or "starttls".
# fax_gateway = "{number}@fax.example.net"

# Answers every consult of the practice shares: the interview does not ask them (it shows them at the start;
# change them for one family in the review). setting: "clinic", "home", "virtual" or "emergency"; jurisdiction,
# where families live: "US", "CA", "UK", "EU", "AU", "NZ" or "other". Leave out what varies.
# [interview]
# setting = "clinic"
# jurisdiction = "US"

# Plans in the family's language: careplan uses a translation only when it has the whole plan in that language.
# reviewed_only = true waits, too, until a clinician fluent in the language has marked its files reviewed (until
# then the plan is in English with a note in the family's language). `careplan library check` lists each
# language's state.
# [languages]
# reviewed_only = true

[colours]
# Six-digit hex colours.
primary = "#1d5c73"   # headings and the header line
accent = "#b4481f"    # urgent boxes
tint = "#eef5f7"      # light background panels

[consultant]
name = "Jordan Rivera"
credentials = "IBCLC, RN"
phone = "555-0100"
email = "jordan@riverside.example.org"

[contact]
phone = "555-0100"
email = "hello@riverside.example.org"
website = "riverside.example.org"
address = "12 River Road, Springfield"
"""


def template_data(practice: Practice, *, jurisdiction: str | None = None, language: str = "en") -> dict[str, Any]:
    """The practice's details as plain data for templates: no file paths, no mail settings. ``locale`` is the locale
    chosen for the family in ``jurisdiction`` (see :meth:`Practice.locale_for`), as a dict of its fields. Texts the
    practice left at careplan's defaults (the disclaimer, the consultant's and the practice's names) are given in
    ``language``; what the practice wrote itself is its own."""
    hidden = {"logo", "templates", "asset_folder", "smtp", "data_folder"}
    data = practice.model_dump(exclude={name for name in hidden if name in type(practice).model_fields})
    data["locale"] = dataclasses.asdict(practice.locale_for(jurisdiction))
    if language != "en":
        from careplan.language.phrases import words

        say = words(language)
        if practice.disclaimer == DEFAULT_DISCLAIMER:
            data["disclaimer"] = say("practice.disclaimer")
        if practice.consultant.name == Consultant().name:
            data["consultant"]["name"] = say("practice.consultant")
        if practice.name == Practice.model_fields["name"].default:
            data["name"] = say("practice.name")
    return data

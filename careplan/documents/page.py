"""The page around a document's text: paper size, the practice's colours, and the running header and footer (the
practice, the parent's name, the page number) in the plan's language, as CSS for WeasyPrint's page boxes.
A right-to-left plan has them the other way round."""

from __future__ import annotations

from careplan.language.phrases import words
from careplan.plan import Plan
from careplan.practice import Practice, template_data

#: A name longer than this is cut in the running header.
HEADER_NAME_LIMIT = 60


def css_string(text: str) -> str:
    """A CSS string literal that can hold any text: quotes, backslashes and control characters are escaped."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,-'&()/:;!?@#+":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


def page_css(plan: Plan, practice: Practice, *, header: str = "document.header") -> str:
    """The per-document CSS: paper size, colours, and the running header and footer texts. ``header`` is the phrase
    of the running header at the top right (with the parent's ``name``), in the plan's language."""
    colours = practice.colours
    name = (
        plan.parent_name if len(plan.parent_name) <= HEADER_NAME_LIMIT else plan.parent_name[:HEADER_NAME_LIMIT] + "…"
    )
    say = words(plan.language)
    practice_name = template_data(practice, language=plan.language)["name"]
    contact = " · ".join(part for part in (practice.contact.phone, practice.contact.address) if part)
    footer = practice.footer or " · ".join(part for part in (practice_name, contact) if part)
    page_of = css_content(say("document.page_of", page="\0page\0", pages="\0pages\0"),
                          {"page": "counter(page)", "pages": "counter(pages)"})
    page_ref = css_content(say("document.page_ref", page="\0page\0"),
                           {"page": "target-counter(attr(href url), page)"})
    start, end = ("right", "left") if plan.direction == "rtl" else ("left", "right")  # a page read from the right
    return (
        f":root {{ --primary: {colours.primary}; --accent: {colours.accent}; --tint: {colours.tint}; }}\n"
        f"@page {{ size: {'A4' if practice.paper == 'A4' else 'letter'};"
        f" @top-{start} {{ content: {css_string(practice_name[:HEADER_NAME_LIMIT])}; }}"
        f" @top-{end} {{ content: {css_string(say(header, name=name))}; }}"
        f" @bottom-{start} {{ content: {css_string(footer[:140])}; }}"
        f" @bottom-{end} {{ content: {page_of}; }} }}\n"
        "@page :first { @top-left { content: none; } @top-right { content: none; } }\n"
        f"a.pageref::after {{ content: {page_ref}; }}\n"
    )


def css_content(text: str, counters: dict[str, str]) -> str:
    """A CSS ``content`` value for a phrase whose ``\\0name\\0`` marks stand for counters: the words as CSS
    strings, each mark as its counter (``"Página " counter(page) " de " counter(pages)``)."""
    parts = []
    for index, piece in enumerate(text.split("\0")):
        if index % 2:
            parts.append(counters[piece])
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)

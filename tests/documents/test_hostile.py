"""Hostile intakes: markup, CSS, URLs and template syntax in every free-text field; huge strings; names in
right-to-left scripts with emoji.

Whatever an intake says, the text prints literally, no file outside careplan's assets is read, nothing is fetched
from the network (a local HTTP server counts requests and must see none), nothing extra is attached, the layout
survives, and WeasyPrint logs no warning. The URL fetcher is also tested on its own.
"""

from __future__ import annotations

import copy
import http.client
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import careplan.documents.pdf as render_module
from careplan._resources import templates_dir
from careplan.cli import cli
from careplan.documents.page import HEADER_NAME_LIMIT
from careplan.errors import InputError
from careplan.intake import Intake, parse_intake
from careplan.pipeline import Rendered, write_plan_pdf
from careplan.practice import Practice
from careplan.rules.library import Library
from tests.conftest import BASE_INTAKE
from tests.helpers.pdf import (
    SRGB_LEAK_FILTER,
    AuditLog,
    all_stream_data,
    assert_no_warnings,
    attachments,
    audit,
    body_text,
    capture_render_warnings,
    edge_text,
    expected_headings,
    font_names,
    full_text,
    heading_positions,
    ink_fraction,
    metadata,
    norm,
    page_texts,
    rasterise,
    squash,
)

pytestmark = [SRGB_LEAK_FILTER, pytest.mark.slow]  # slow: renders hostile intakes and practice files to PDF

SYSTEM_FILE = Path("/etc/passwd")
#: A line of /etc/passwd that must never show up in a plan.
SYSTEM_LINE = "root:x:0:0"


# --------------------------------------------------------------------------------------------------------------
# A local web server that counts requests
# --------------------------------------------------------------------------------------------------------------


class CountingServer:
    def __init__(self) -> None:
        self.requests: list[str] = []
        lock = threading.Lock()
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                with lock:
                    seen.append(f"{self.command} {self.path}")
                body = b"body{display:none}"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def server() -> Iterator[CountingServer]:
    running = CountingServer()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()
    running.thread.join(timeout=5)


def test_the_counting_server_counts(server: CountingServer) -> None:
    before = len(server.requests)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", "/probe")
        assert connection.getresponse().status == 200
    finally:
        connection.close()
    assert server.requests[before:] == ["GET /probe"]


# --------------------------------------------------------------------------------------------------------------
# Hostile payloads and intakes
# --------------------------------------------------------------------------------------------------------------


def payloads(base_url: str) -> list[str]:
    """Each payload fits the 200-character name fields."""
    return [
        '<img src="file:///etc/passwd">',
        '<link rel=attachment href=/etc/passwd><link rel="attachment" href="file:///etc/passwd">',
        "</style><style>*{display:none}</style>",
        f"{base_url}/plain-url",
        f'<img src="{base_url}/img.png"><link rel=stylesheet href="{base_url}/sheet.css">',
        f"</style><style>@import url({base_url}/import.css);body{{background:url({base_url}/bg.png)}}</style>",
        # Breaks out of a CSS string in the running header if it is not escaped.
        f'"; }} @page {{ @top-left {{ content: url({base_url}/header.png) }} }} x {{ content: "\\',
        "{{ doc.__class__.__mro__ }}{% include '/etc/passwd' %}{{ 7*7 }}",
        "\"'><script>alert(1)</script>&amp;&#x3C;&lt;b&gt;",
        '<svg onload=alert(1)><use href="file:///etc/passwd#x"/></svg>',
    ]


#: Every free-text (str) field of the intake except those with a pattern (email, phone, language tag, version).
FREE_TEXT_FIELDS = [
    ("parent", "name"),
    ("babies", 0, "name"),
    ("babies", 1, "name"),
    ("health", "medications", 0, "name"),
    ("health", "medications", 1, "name"),
    ("goals", "what_matters_most"),
]
#: The fields a plan prints (medicine names and what matters most feed the rules but are not printed).
PRINTED_FIELDS = [("parent", "name"), ("babies", 0, "name"), ("babies", 1, "name")]


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _get(data: dict[str, Any], path: tuple[Any, ...]) -> Any:
    target: Any = data
    for part in path:
        target = target[part]
    return target


def hostile_data(base_url: str, shift: int) -> dict[str, Any]:
    """The base intake with two babies, two medicines, and a payload in every free-text field (rotated by
    ``shift``); the goal in the family's own words holds every payload."""
    data = copy.deepcopy(BASE_INTAKE)
    data["babies"].append(copy.deepcopy(data["babies"][0]))
    data["health"]["medications"] = [{"name": "x"}, {"name": "y"}]
    data["parent"]["email"] = "robin@example.org"
    data["parent"]["phone"] = "+1 (555) 010-0199"
    texts = payloads(base_url)
    for index, path in enumerate(FREE_TEXT_FIELDS):
        _set(data, path, texts[(index + shift) % len(texts)])
    data["goals"]["in_own_words"] = " ".join(texts)
    # No two fields alike: the babies must be told apart.
    assert len({_get(data, path) for path in FREE_TEXT_FIELDS}) == len(FREE_TEXT_FIELDS)
    return data


@dataclass
class HostileRender:
    intake: Intake
    result: Rendered
    path: Path
    data: bytes
    reader: PdfReader
    records: list[Any]
    seen: AuditLog
    fetched: list[str]
    requests: list[str]


def render_watched(
    intake: Intake, output: Path, library: Library, server: CountingServer, practice: Practice | None = None
) -> HostileRender:
    """Render while recording warnings, every URL the fetcher is asked for, files opened, sockets used, and the
    requests the test server receives."""
    renderer = render_module._renderer()
    fetcher_class = renderer.fetcher_class
    original = fetcher_class.fetch
    fetched: list[str] = []

    def spy(self: Any, url: str, headers: Any = None) -> Any:
        fetched.append(url)
        return original(self, url, headers)

    before = len(server.requests)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fetcher_class, "fetch", spy)
        with audit() as seen, capture_render_warnings() as records:
            result = write_plan_pdf(intake, output, library=library, practice=practice or Practice())
    return HostileRender(
        intake=intake,
        result=result,
        path=output,
        data=output.read_bytes(),
        reader=PdfReader(str(output)),
        records=list(records),
        seen=seen,
        fetched=fetched,
        requests=server.requests[before:],
    )


def assert_contained(rendered: HostileRender) -> None:
    """Nothing fetched from the network or read from elsewhere on disk; nothing extra attached."""
    assert rendered.requests == [], f"the test server got requests: {rendered.requests}"
    assert rendered.seen.connected == [], f"sockets were used: {rendered.seen.connected}"
    assert str(SYSTEM_FILE) not in rendered.seen.opened
    root = templates_dir().resolve()
    for url in rendered.fetched:
        assert url.startswith("data:") or url.startswith(root.as_uri() + "/"), f"asked to fetch {url}"
    found = attachments(rendered.reader)
    assert list(found) == ["intake.json"], f"attachments: {list(found)}"
    assert len(found["intake.json"]) == 1
    assert found["intake.json"][0] == rendered.intake.model_dump_json(indent=2).encode("utf-8")
    assert SYSTEM_LINE.encode() not in rendered.data
    assert all(SYSTEM_LINE.encode() not in stream for stream in all_stream_data(rendered.reader))
    assert SYSTEM_LINE not in full_text(rendered.reader)


def assert_layout_intact(rendered: HostileRender, tmp_path: Path, max_pages: int = 30) -> None:
    pages = len(rendered.reader.pages)
    assert 6 <= pages <= max_pages, f"{pages} pages"
    heading_positions(rendered.reader, expected_headings(rendered.result.plan))
    for index in range(pages):
        assert edge_text(rendered.reader, index, top=False).endswith(f"Page {index + 1} of {pages}")
    for page in (1, 2):
        assert ink_fraction(rasterise(rendered.path, page, tmp_path)) > 0.01, f"page {page} is blank"


# --------------------------------------------------------------------------------------------------------------
# Payloads in every free-text field
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[0, 5], ids=["rotation-0", "rotation-5"])
def hostile(
    request: pytest.FixtureRequest, server: CountingServer, library: Library, tmp_path_factory: pytest.TempPathFactory
) -> HostileRender:
    data = hostile_data(server.url, request.param)
    intake = Intake.model_validate(data)
    folder = tmp_path_factory.mktemp(f"hostile-{request.param}")
    return render_watched(intake, folder / "plan.pdf", library, server)


def test_hostile_intake_renders_without_warnings(hostile: HostileRender) -> None:
    assert_no_warnings(hostile.records, hostile.result.warnings)


def test_hostile_intake_fetches_reads_and_attaches_nothing(hostile: HostileRender) -> None:
    assert_contained(hostile)


def test_hostile_text_prints_literally(hostile: HostileRender, server: CountingServer) -> None:
    text = squash(full_text(hostile.reader))
    for payload in payloads(server.url):
        assert squash(payload) in text, f"payload not printed literally: {payload!r}"
    data = hostile.intake.model_dump(mode="json")
    cover = squash(page_texts(hostile.reader)[0])
    for path in PRINTED_FIELDS:
        value = _get(data, path)
        assert squash(value) in cover, f"{'.'.join(map(str, path))} is not printed literally on the cover"
    assert squash("For " + hostile.intake.parent.name) in cover
    # Jinja never evaluates intake text.
    assert squash("{{ 7*7 }}") in text and squash("{% include '/etc/passwd' %}") in text


def test_hostile_text_is_escaped_in_the_html(hostile: HostileRender) -> None:
    html = hostile.result.html
    assert "&lt;img src=" in html
    assert '<img src="file:' not in html and '<img src="http' not in html
    assert "<link rel=attachment" not in html and '<link rel="attachment"' not in html
    assert "</style><style>" not in html
    assert "<script>" not in html and "<svg onload" not in html
    assert "<style" not in html.split("<body", 1)[1], "a <style> element appeared in the body"


def test_hostile_parent_name_prints_literally_in_the_running_header(hostile: HostileRender) -> None:
    name = hostile.intake.parent.name
    short = name if len(name) <= HEADER_NAME_LIMIT else name[:HEADER_NAME_LIMIT] + "…"
    for index in range(1, len(hostile.reader.pages)):
        header = edge_text(hostile.reader, index, top=True)
        assert squash("Care plan for " + short) in squash(header), (index, header)
        assert squash(Practice().name) in squash(header)


def test_hostile_intake_keeps_its_layout(hostile: HostileRender, tmp_path: Path) -> None:
    assert_layout_intact(hostile, tmp_path)


def test_hostile_intake_round_trips(hostile: HostileRender) -> None:
    embedded = attachments(hostile.reader)["intake.json"][0]
    assert parse_intake(embedded) == hostile.intake


# --------------------------------------------------------------------------------------------------------------
# Huge strings
# --------------------------------------------------------------------------------------------------------------

MEGABYTE = 1024 * 1024


def megabyte_of(text: str) -> str:
    return (text * (MEGABYTE // len(text) + 1))[:MEGABYTE]


def test_one_megabyte_goal_is_refused_with_one_clear_line(server: CountingServer, tmp_path: Path) -> None:
    """The intake caps the goal at 2,000 characters, so a 1 MB string never reaches the renderer: one line
    naming the file and the field, without echoing the text, and no PDF."""
    data = hostile_data(server.url, 0)
    data["goals"]["in_own_words"] = megabyte_of('<img src="file:///etc/passwd"> ')
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse_intake(path.read_bytes(), str(path))
    assert len(caught.value.lines) == 1, caught.value.lines
    assert "goals.in_own_words" in caught.value.lines[0]
    assert "<img" not in caught.value.lines[0]

    out = tmp_path / "huge.pdf"
    result = CliRunner().invoke(cli, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 1
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 1 and problems[0].startswith(f"{path}:"), problems
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.json"]


def test_longest_allowed_texts_keep_the_layout(server: CountingServer, library: Library, tmp_path: Path) -> None:
    """Every field at its maximum length, as unbroken strings of markup: the text wraps, nothing overflows."""
    data = hostile_data(server.url, 0)
    data["parent"]["name"] = ("<img src=file:///etc/passwd>" * 10)[:200]
    data["babies"][0]["name"] = ("B" * 199) + "1"
    data["babies"][1]["name"] = ("</style>" * 30)[:199] + "2"
    data["goals"]["in_own_words"] = (" ".join(payloads(server.url)).replace(" ", "") * 10)[:2000]
    data["goals"]["what_matters_most"] = "W" * 2000
    intake = Intake.model_validate(data)
    rendered = render_watched(intake, tmp_path / "plan.pdf", library, server)
    assert_no_warnings(rendered.records, rendered.result.warnings)
    assert_contained(rendered)
    assert_layout_intact(rendered, tmp_path)
    text = body_text(rendered.reader)
    assert squash(intake.goals.in_own_words or "") in text
    assert squash(intake.parent.name) in text
    assert squash(intake.babies[0].name) in text and squash(intake.babies[1].name) in text
    header = edge_text(rendered.reader, 1, top=True)
    assert squash("Care plan for " + intake.parent.name[:HEADER_NAME_LIMIT] + "…") in squash(header)


def test_huge_text_that_bypasses_validation_still_renders_safely(
    server: CountingServer, library: Library, tmp_path: Path
) -> None:
    """Defence in depth: the renderer itself copes with 100,000 characters of markup in the goal and 1,000 in
    the parent's name (an Intake built without validation). A full megabyte of goal renders the same way but
    takes ~30 s (394 pages), so this uses a tenth of it. (A 5,000-character unbroken name takes ~110 s: the
    200-character limit on names matters.)"""
    intake = Intake.model_validate(hostile_data(server.url, 0))
    goal = ((" ".join(payloads(server.url)) + " ") * 200)[:100_000]
    name = ("<img src=file:///etc/passwd>" * 40)[:1000]
    intake = intake.model_copy(
        update={
            "goals": intake.goals.model_copy(update={"in_own_words": goal}),
            "parent": intake.parent.model_copy(update={"name": name}),
        }
    )
    rendered = render_watched(intake, tmp_path / "plan.pdf", library, server)
    assert_no_warnings(rendered.records, rendered.result.warnings)
    assert_contained(rendered)
    assert_layout_intact(rendered, tmp_path, max_pages=120)
    text = body_text(rendered.reader)
    assert squash(goal) in text, "the 100,000-character goal is not printed in full"
    assert squash("For " + name) in text
    header = edge_text(rendered.reader, 3, top=True)
    assert squash("Care plan for " + name[:HEADER_NAME_LIMIT] + "…") in squash(header)
    assert metadata(rendered.reader)["/Title"] == f"Relactation care plan for {name}"


# --------------------------------------------------------------------------------------------------------------
# Names in right-to-left scripts, Chinese and emoji
# --------------------------------------------------------------------------------------------------------------

PARENT_RTL = "فاطمة الزهراء 👩‍🍼 שרה כהן"
BABY_CJK = "李明 😀"
BABY_LATIN = "Zoë Ñúñez-Łukasz 🍼"
GOAL_RTL = 'أريد أن أرضع طفلي 🤱 אני רוצה להניק <img src="file:///etc/passwd">'


@pytest.fixture(scope="module")
def world(server: CountingServer, library: Library, tmp_path_factory: pytest.TempPathFactory) -> HostileRender:
    data = copy.deepcopy(BASE_INTAKE)
    data["babies"].append(copy.deepcopy(data["babies"][0]))
    data["parent"]["name"] = PARENT_RTL
    data["parent"]["preferred_language"] = "ar"
    data["babies"][0]["name"] = BABY_CJK
    data["babies"][1]["name"] = BABY_LATIN
    data["goals"]["in_own_words"] = GOAL_RTL
    intake = Intake.model_validate(data)
    return render_watched(intake, tmp_path_factory.mktemp("world") / "plan.pdf", library, server)


def test_world_names_render_without_warnings_and_stay_contained(world: HostileRender, tmp_path: Path) -> None:
    assert_no_warnings(world.records, world.result.warnings)
    assert_contained(world)
    assert_layout_intact(world, tmp_path)


def test_world_names_print_legibly(world: HostileRender, tmp_path: Path) -> None:
    """Every word of the Hebrew, Chinese, Latin and emoji names comes back out of the PDF (right-to-left runs
    may be reordered by the text extractor, so words are checked one by one); Arabic, Chinese and emoji are
    set in careplan's bundled fonts; the cover is drawn."""
    cover = norm(page_texts(world.reader)[0])
    for text in (PARENT_RTL, BABY_CJK, BABY_LATIN):
        for word in text.split():
            if any("\u0600" <= char <= "\u06ff" for char in word):
                continue
            if "\u200d" in word:  # an emoji sequence inside a right-to-left run comes back reordered: check its parts
                for part in word.split("\u200d"):
                    assert part in cover, f"{part!r} (of {word!r}) is missing from the cover"
                continue
            assert word in cover, f"{word!r} is missing from the cover"
    assert any("\u0600" <= char <= "\u06ff" for char in cover), "no Arabic letters on the cover"
    body = body_text(world.reader)
    for word in GOAL_RTL.split():
        if not any("\u0600" <= char <= "\u06ff" for char in word):
            assert squash(word) in body, f"{word!r} is missing"
    fonts = font_names(world.reader)
    assert any("noto-sans-arabic" in name for name in fonts), fonts
    assert any("noto-sans-sc" in name for name in fonts), fonts
    assert any("noto-color-emoji" in name for name in fonts), fonts
    assert ink_fraction(rasterise(world.path, 1, tmp_path, dpi=60)) > 0.02


@pytest.mark.xfail(
    strict=True,
    reason="WeasyPrint bug Kozea/WeasyPrint#2841 (open): wrong ToUnicode entries for Arabic text shaped with GSUB; "
    "the page is drawn correctly, only the text layer is wrong. Strict: this fails once WeasyPrint is fixed.",
)
def test_world_arabic_names_have_an_exact_text_layer(world: HostileRender) -> None:
    """Search, copy and screen readers (PDF/UA) read the text layer: the Arabic words must come back exactly,
    not just look right on paper."""
    cover = norm(page_texts(world.reader)[0])
    body = body_text(world.reader)
    for word in [*PARENT_RTL.split(), *GOAL_RTL.split()]:
        if any("\u0600" <= char <= "\u06ff" for char in word):
            assert word in cover or squash(word) in body, f"Arabic {word!r} does not come back out of the PDF"


def test_world_names_use_only_bundled_fonts(world: HostileRender) -> None:
    """Fonts come with careplan so a plan prints the same everywhere; a system font (found by fontconfig on this
    machine, absent on another) means a script careplan does not cover, such as Hebrew."""
    fonts = font_names(world.reader)
    foreign = sorted(name for name in fonts if not name.startswith("careplan-"))
    assert foreign == [], f"system fonts used: {foreign} (all fonts: {sorted(fonts)})"


# --------------------------------------------------------------------------------------------------------------
# The URL fetcher on its own
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def fetcher() -> Any:
    return render_module._fetcher_class()((templates_dir(),))


def _fatal() -> type[BaseException]:
    from weasyprint.urls import FatalURLFetchingError

    return FatalURLFetchingError  # type: ignore[no-any-return]


def _read(fetcher: Any, url: str) -> bytes:
    response = fetcher.fetch(url)
    try:
        return bytes(response.read())
    finally:
        response.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///etc/passwd?x=1",
        "/etc/passwd",
        "ftp://127.0.0.1/etc/passwd",
        "https://example.org/logo.png",
    ],
)
def test_fetcher_refuses_files_and_schemes_outside(fetcher: Any, url: str) -> None:
    with audit() as seen, pytest.raises(_fatal()):
        fetcher.fetch(url)
    assert str(SYSTEM_FILE) not in seen.opened
    assert seen.connected == []
    assert fetcher.refused == [url]


def test_fetcher_refuses_the_local_server(fetcher: Any, server: CountingServer) -> None:
    before = len(server.requests)
    for url in (server.url + "/", server.url + "/font.woff2", f"http://localhost:{server.port}/"):
        with audit() as seen, pytest.raises(_fatal()):
            fetcher.fetch(url)
        assert seen.connected == []
    assert server.requests[before:] == []


@pytest.mark.parametrize(
    "suffix",
    [
        "/../careplan/render.py",
        "/fonts/../../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/fonts/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd",
    ],
)
def test_fetcher_refuses_paths_that_climb_out(fetcher: Any, suffix: str) -> None:
    url = templates_dir().resolve().as_uri() + suffix
    with audit() as seen, pytest.raises(_fatal()):
        fetcher.fetch(url)
    assert str(SYSTEM_FILE) not in seen.opened
    assert not any(name.endswith(("render.py", "pyproject.toml")) for name in seen.opened)


def test_fetcher_resolves_symlinks_before_deciding(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.png"
    secret.write_bytes(b"secret")
    (root / "link.png").symlink_to(secret)
    (root / "linked-folder").symlink_to(outside, target_is_directory=True)
    (root / "to-passwd.png").symlink_to(SYSTEM_FILE)
    (root / "inside.png").write_bytes(b"inside")
    allowed = render_module._fetcher_class()((root,))
    for name in ("link.png", "linked-folder/secret.png", "to-passwd.png"):
        with audit() as seen, pytest.raises(_fatal()):
            allowed.fetch((root / name).as_uri())
        assert str(secret) not in seen.opened and str(SYSTEM_FILE) not in seen.opened
    assert _read(allowed, (root / "inside.png").as_uri()) == b"inside"


def test_fetcher_refuses_folders_and_oversized_files(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    big = root / "big.png"
    with big.open("wb") as handle:
        handle.truncate(render_module.MAX_ASSET_BYTES + 1)
    allowed = render_module._fetcher_class()((root,))
    for url in (big.as_uri(), root.as_uri(), (root / "missing.png").as_uri()):
        with pytest.raises(_fatal()):
            allowed.fetch(url)


def test_fetcher_allows_data_urls_and_bundled_fonts(fetcher: Any) -> None:
    assert _read(fetcher, "data:text/plain;base64,aGVsbG8=") == b"hello"
    assert _read(fetcher, "data:,plain%20text") == b"plain text"
    font = next((templates_dir() / "fonts" / "atkinson-hyperlegible").glob("*.woff2"))
    assert _read(fetcher, font.resolve().as_uri()) == font.read_bytes()
    css = templates_dir() / "plan.css"
    assert _read(fetcher, css.resolve().as_uri()) == css.read_bytes()
    assert fetcher.refused == []


def test_svg_logo_pointing_at_the_local_server_fetches_nothing(
    server: CountingServer, library: Library, tmp_path: Path
) -> None:
    """The practice's logo folder is readable, but an SVG logo still cannot reach the network."""
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="10">'
        f'<image xlink:href="{server.url}/svg-image.png" width="10" height="10"/>'
        f"<style>@import url({server.url}/svg-style.css);</style>"
        '<rect width="20" height="10" fill="#123456"/></svg>',
        encoding="utf-8",
    )
    practice = Practice(name="Logo Test", logo=brand / "logo.svg")
    out = tmp_path / "plan.pdf"
    before = len(server.requests)
    with audit() as seen, capture_render_warnings():
        try:
            write_plan_pdf(Intake.model_validate(BASE_INTAKE), out, library=library, practice=practice)
        except render_module.RenderError:
            assert not out.exists()
    assert server.requests[before:] == []
    assert seen.connected == []

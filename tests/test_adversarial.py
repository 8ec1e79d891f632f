"""The adversarial suite: what a careful attacker or an unlucky user hands careplan, given to every command that
reads it, each run asserting a clear message naming the file, exit 1, no traceback, no hang and nothing left
behind; then fuzzing (hypothesis) over intake JSON and practice TOML, asserting exit 0 or 1 and never a traceback.

The rest of the suite lives beside the code it attacks: hostile practice templates in
tests/documents/test_template_sandbox.py, hostile intake text in tests/documents/test_hostile.py, full and read-only
disks in tests/test_writes.py, kill -9 of a batch and of a worker in tests/batch/test_batch_interrupt.py, a killed
email send in tests/mail/test_email.py.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careplan.cli import cli
from tests.conftest import BASE_INTAKE, EXAMPLES

# --------------------------------------------------------------------------------------------------------------
# Strange files given as an intake or a practice file, to the real command line
# --------------------------------------------------------------------------------------------------------------

#: Every command that reads an intake file, as its arguments for a file and a scratch folder.
INTAKE_COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "validate": lambda f, out: ["validate", str(f)],
    "plan": lambda f, out: ["plan", str(f)],
    "explain": lambda f, out: ["explain", str(f)],
    "render": lambda f, out: ["render", str(f), "-o", str(out / "plan.pdf")],
    "batch": lambda f, out: ["batch", str(f), "-o", str(out / "batch"), "--jobs", "1", "-q"],
}


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path: a Unix socket's path must fit in 108 bytes."""
    folder = Path(tempfile.mkdtemp(prefix="cp-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _special(kind: str, folder: Path) -> tuple[Path, socket.socket | None]:
    """A file of the given kind, and the socket to close afterwards when it is one."""
    path = folder / "intake.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        server.listen(1)
        return path, server
    elif kind == "device":
        return Path("/dev/zero"), None
    elif kind == "folder":
        path.mkdir()
    elif kind == "symlink loop":
        (folder / "other.json").symlink_to(path)
        path.symlink_to(folder / "other.json")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "missing":
        pass
    return path, None


KINDS = ["fifo", "socket", "device", "folder", "symlink loop", "empty", "binary", "missing"]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "careplan", *args],
            capture_output=True, text=True, cwd=cwd, timeout=120, check=False, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"careplan {' '.join(args[:1])} hung on its input")


def _assert_refused(result: subprocess.CompletedProcess[str], path: Path, *, usage: bool = False) -> None:
    """Exit 1 (or click's 2 for an option that takes no folder, when ``usage``), naming the file."""
    said = result.stdout + result.stderr
    assert result.returncode in ((1, 2) if usage else (1,)), said
    assert "Traceback" not in said, said
    assert str(path) in said, f"the message names the file: {said!r}"


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(INTAKE_COMMANDS))
@pytest.mark.parametrize("kind", KINDS)
def test_a_strange_intake_file_is_refused_at_once(short_dir: Path, kind: str, command: str) -> None:
    path, server = _special(kind, short_dir)
    out = short_dir / "out"
    out.mkdir()
    try:
        result = _run(INTAKE_COMMANDS[command](path, out), short_dir)
    finally:
        if server is not None:
            server.close()
    if (kind, command) == ("folder", "batch"):  # a folder of intakes is what a batch reads: this one is empty
        assert result.returncode == 0 and f"{path}: no .json files in this folder" in result.stderr
    else:
        _assert_refused(result, path)
    written = [p.name for p in out.rglob("*") if p.is_file() and p.parent.name != ".careplan-batch"]
    assert written == [], "nothing is written for an input that cannot be read"


@pytest.mark.slow
@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "empty"])  # an empty practice file is defaults
def test_a_strange_practice_file_is_refused_at_once(short_dir: Path, kind: str) -> None:
    path, server = _special(kind, short_dir)
    intake = short_dir / "family.json"
    intake.write_text(json.dumps(BASE_INTAKE), encoding="utf-8")
    try:
        for args in (["practice", "check", str(path)],
                     ["render", str(intake), "--practice", str(path), "-o", str(short_dir / "plan.pdf")]):
            _assert_refused(_run(args, short_dir), path, usage=kind == "folder")
    finally:
        if server is not None:
            server.close()
    assert not (short_dir / "plan.pdf").exists()


# --------------------------------------------------------------------------------------------------------------
# Far values: every one is one line naming the file (and the field, where the file parsed), exit 1
# --------------------------------------------------------------------------------------------------------------


def _with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(BASE_INTAKE)
    change(data)
    return data


FAR_VALUES: dict[str, tuple[str, str]] = {
    "consult in the year 9999": (
        json.dumps(_with(lambda d: d["consult"].update(date="9999-12-31"))), "consult date [consult.date]"),
    "birth in the year 1": (
        json.dumps(_with(lambda d: d["babies"][0].update(birth_date="0001-01-01"))), "[babies.0.birth_date]"),
    "a weight of 10**5000 grams": (
        json.dumps(BASE_INTAKE).replace('"babies": [{', '"babies": [{"current_weight_g": ' + "9" * 5000 + ", ", 1),
        "a number is far too long"),
    "a weight of 10**400 grams": (
        json.dumps(_with(lambda d: d["babies"][0].update(current_weight_g=10**400))),
        "[babies.0.current_weight_g]"),
    "a temperature of 1e999": (
        json.dumps(BASE_INTAKE).replace('"babies": [{', '"babies": [{"max_temperature_c": 1e999, ', 1),
        "NaN, Infinity or a number too large"),
    "NaN weeks of gestation": (
        json.dumps(BASE_INTAKE).replace('"babies": [{', '"babies": [{"gestational_age_weeks": NaN, ', 1),
        "NaN, Infinity or a number too large"),
    "a negative diaper count": (
        json.dumps(_with(lambda d: d["babies"][0].update(wet_diapers_24h=-1))), "[babies.0.wet_diapers_24h]"),
    "a list nested ten thousand deep": ("[" * 10000 + "]" * 10000, "nested too deeply"),
}


@pytest.mark.parametrize("case", sorted(FAR_VALUES))
@pytest.mark.parametrize("command", ["validate", "plan", "explain", "render"])
def test_a_far_value_is_one_line_naming_the_field(tmp_path: Path, case: str, command: str) -> None:
    text, expected = FAR_VALUES[case]
    path = tmp_path / "intake.json"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, INTAKE_COMMANDS[command](path, tmp_path))
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any(expected in line for line in lines), lines
    assert all(line.startswith(str(path)) for line in lines), lines
    assert not (tmp_path / "plan.pdf").exists()


# --------------------------------------------------------------------------------------------------------------
# Fuzzing: any intake JSON and any practice TOML ends in exit 0 or 1, never a traceback
# --------------------------------------------------------------------------------------------------------------

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.integers(min_value=10**15, max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(["2026-05-01", "1899-12-31", "2101-01-01", "2026-02-30", "yes", "no", "unknown", "", " "])
)
JSON_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mutate(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """One to four changes anywhere in an example intake: a value replaced, a key removed or an unknown key added."""
    for _ in range(data.draw(st.integers(1, 4))):
        paths = [p for p in _paths(document) if p]
        path = data.draw(st.sampled_from(paths))
        parent: Any = document
        for part in path[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = data.draw(JSON_VALUES)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.text(min_size=1, max_size=12))] = data.draw(JSON_VALUES)
    return document


EXAMPLE_DATA = [json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES]


def _assert_clean_exit(result: Result, *, allowed: tuple[int, ...] = (0, 1)) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "internal error" not in result.output.lower(), result.output


FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@FUZZ
@given(data=st.data(), which=st.sampled_from(range(len(EXAMPLE_DATA))), command=st.sampled_from(["validate", "plan"]))
def test_fuzzed_intakes_exit_0_or_1_without_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, which: int, command: str
) -> None:
    document = _mutate(copy.deepcopy(EXAMPLE_DATA[which]), data)
    path = tmp_path_factory.mktemp("fuzz") / "intake.json"
    path.write_text(json.dumps(document, ensure_ascii=data.draw(st.booleans())), encoding="utf-8")
    result = CliRunner().invoke(cli, [command, str(path)])
    _assert_clean_exit(result)
    if result.exit_code == 1:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines and all(line.startswith(str(path)) for line in lines), lines


@FUZZ
@given(raw=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_fuzzed_bytes_are_refused_in_one_line(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "intake.json"
    path.write_bytes(raw)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    _assert_clean_exit(result, allowed=(1,))
    assert result.stderr.startswith(str(path))


def _practice_values() -> st.SearchStrategy[dict[str, Any]]:
    """Practice files: every known key, with values of the right kind and of every wrong kind, and unknown keys."""
    text = st.text(max_size=300)
    anything = st.one_of(
        text, st.integers(min_value=-(2**63), max_value=2**63 - 1), st.booleans(), st.floats(allow_nan=False),
        st.lists(text, max_size=3),
    )
    colour = st.one_of(st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True), anything)
    return st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(text, anything),
            "paper": st.one_of(st.sampled_from(["A4", "Letter", "a4", "legal"]), anything),
            "disclaimer": st.one_of(text, anything),
            "footer": st.one_of(text, anything),
            "emergency_number": st.one_of(st.text(max_size=25), anything),
            "logo": st.sampled_from(["logo.png", "missing.png", "/etc/passwd", "../../x.svg", ""]),
            "templates": st.sampled_from(["templates", "/", "/proc/self", "missing", "."]),
            "colours": st.fixed_dictionaries({}, optional={"primary": colour, "accent": colour, "tint": colour}),
            "consultant": st.dictionaries(st.sampled_from(["name", "credentials", "phone", "email", "other"]),
                                          anything, max_size=4),
            "contact": st.dictionaries(st.sampled_from(["phone", "email", "website", "address", "fax"]),
                                       anything, max_size=4),
            "smtp": st.dictionaries(
                st.sampled_from(["host", "port", "security", "user", "from_address", "password", "timeout_seconds",
                                 "password_env", "ca_file"]), anything, max_size=5),
            "unknown": anything,
        },
    )


@pytest.fixture(scope="module")
def practice_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("practice")
    (folder / "templates").mkdir()
    (folder / "templates" / "_cover.html").write_text("<p>{{ practice.name }}</p>", encoding="utf-8")
    (folder / "logo.png").write_bytes(b"not really a picture")
    return folder


@FUZZ
@given(values=_practice_values())
def test_fuzzed_practice_files_exit_0_or_1_without_a_traceback(practice_folder: Path, values: dict[str, Any]) -> None:
    path = practice_folder / "practice.toml"
    path.write_text(tomli_w.dumps(values), encoding="utf-8")
    result = CliRunner().invoke(cli, ["practice", "check", str(path)])
    _assert_clean_exit(result)
    secret = values.get("smtp", {}).get("password")
    if isinstance(secret, str) and len(secret.strip()) >= 6:
        # The secret may be a piece of our own words or the file's path ('practi'): it must not show up more often
        # than when the password is something else.
        other = {**values, "smtp": {**values["smtp"], "password": "\x01" * len(secret)}}
        path.write_text(tomli_w.dumps(other), encoding="utf-8")
        baseline = CliRunner().invoke(cli, ["practice", "check", str(path)]).output
        assert result.output.count(secret) <= baseline.count(secret), "a password in the file is never echoed"


@FUZZ
@given(text=st.text(max_size=300))
def test_fuzzed_practice_text_exits_0_or_1_without_a_traceback(practice_folder: Path, text: str) -> None:
    path = practice_folder / "any.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _assert_clean_exit(CliRunner().invoke(cli, ["practice", "check", str(path)]))


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=_practice_values())
def test_fuzzed_practice_files_render_or_fail_in_one_line(
    practice_folder: Path, tmp_path_factory: pytest.TempPathFactory, values: dict[str, Any]
) -> None:
    """Through the whole render: the practice's values reach the templates as plain data."""
    path = practice_folder / "render.toml"
    path.write_text(tomli_w.dumps(values), encoding="utf-8")
    out = tmp_path_factory.mktemp("render")
    intake = out / "family.json"
    intake.write_text(json.dumps(BASE_INTAKE), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(intake), "--practice", str(path), "-o", str(out / "plan.pdf")])
    _assert_clean_exit(result)
    assert (out / "plan.pdf").exists() == (result.exit_code == 0)

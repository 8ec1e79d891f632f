"""careplan's cache: rule-engine's parser tables and compiled libraries, keyed by what they are built from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from careplan import _cache
from careplan.intake import load_intake
from careplan.rules.library import _cache_key, load_library
from tests.conftest import EXAMPLES, make_intake

GOOD = """
entries:
  - id: practice-walk
    kind: strategy
    section: wellbeing
    title: {en: "A short walk"}
    text: {en: "A short walk outside can help you rest."}
    clinician_note: "Practice suggestion."
    sources: [LLL-RL]
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CAREPLAN_CACHE", str(folder))
    return folder


def test_a_library_is_cached_and_read_back_the_same(cache: Path) -> None:
    from careplan.rules.engine import build_plan

    first = load_library()
    entries = list(cache.glob("library-*.pickle"))
    assert len(entries) == 1
    assert entries[0].stat().st_mode & 0o777 == 0o600 and cache.stat().st_mode & 0o777 == 0o700
    again = load_library()
    assert again is not first and again.rules.keys() == first.rules.keys()
    # Every example, and medicines named through the `$words` builtin: the cached library evaluates the same.
    medicines = {"health.medications": [{"name": "citalopram"}, {"name": "clarithromycin"}, {"name": "Zyxor"}]}
    intakes = [load_intake(path) for path in EXAMPLES]
    intakes += [make_intake(**medicines, **{"goals.prescription_discussion": "yes"})]
    for intake in intakes:
        assert build_plan(intake, again) == build_plan(intake, first)


def test_a_changed_practice_file_is_a_new_entry(cache: Path, tmp_path: Path) -> None:
    practice = tmp_path / "practice"
    practice.mkdir()
    (practice / "walk.yaml").write_text(GOOD, encoding="utf-8")
    one = _cache_key(load_library(practice).plantype, [practice])
    (practice / "walk.yaml").write_text(GOOD.replace("A short walk outside", "A walk outside"), encoding="utf-8")
    two = _cache_key(load_library(practice).plantype, [practice])
    assert one != two
    assert load_library(practice).rules["practice-walk"].entry.text["en"].startswith("A walk outside")


def test_a_broken_cache_entry_is_ignored(cache: Path) -> None:
    load_library()
    for entry in cache.glob("library-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert len(load_library().rules) > 100


def test_no_cache_when_it_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_CACHE", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert _cache.cache_folder() is None
    load_library()
    assert not (tmp_path / ".cache").exists()


def test_a_library_with_problems_is_not_cached(cache: Path, tmp_path: Path) -> None:
    from careplan.errors import LibraryError

    practice = tmp_path / "practice"
    practice.mkdir()
    (practice / "walk.yaml").write_text(GOOD.replace("LLL-RL", "NO-SUCH-SOURCE"), encoding="utf-8")
    with pytest.raises(LibraryError):
        load_library(practice)
    with pytest.raises(LibraryError):
        load_library(practice)  # not from a cache: the problem is found again


CHECK_TABLES = """
import sys
from careplan import _cache
installed = _cache.install_parser_tables()
built = []
def spy(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "lr_parse_table" and frame.f_code.co_filename.endswith("yacc.py"):
        built.append(1)
sys.setprofile(spy)
import rule_engine
sys.setprofile(None)
if not installed:
    _cache.save_parser_tables()
print(installed, len(built), rule_engine.Rule("1 + 1 == 2").evaluate({}))
"""


def test_rule_engines_parser_tables_are_built_once_then_read(cache: Path) -> None:
    env = {**os.environ, "CAREPLAN_CACHE": str(cache)}
    first = subprocess.run([sys.executable, "-c", CHECK_TABLES], capture_output=True, text=True, env=env, check=True)
    assert first.stdout.split() == ["False", "1", "True"], first.stderr
    second = subprocess.run([sys.executable, "-c", CHECK_TABLES], capture_output=True, text=True, env=env, check=True)
    assert second.stdout.split() == ["True", "0", "True"], "the second process reads the tables, builds none"



def test_every_careplan_module_a_cached_library_holds_is_in_its_key() -> None:
    """The cache key hashes the code whose objects the pickled library holds; parameters.py and citations.py were
    left off a hand-kept list, so a changed default or citation style would have been served stale."""
    import pickle
    import pickletools

    from careplan.rules.library import _code_files

    held = set()
    for library in (load_library(), load_library(plan_type="low-supply")):
        for opcode, argument, _ in pickletools.genops(pickle.dumps(library, protocol=2)):
            if opcode.name == "GLOBAL" and str(argument).startswith("careplan."):
                held.add(str(argument).split(" ")[0])
    assert "careplan.rules.parameters" in held and "careplan.rules.citations" in held
    package = Path(__file__).resolve().parents[2] / "careplan"
    hashed = {path.resolve() for path in _code_files()}
    for module in held:
        path = package.joinpath(*module.split(".")[1:])
        source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        assert source.resolve() in hashed, f"{module} is pickled with the library but not in its cache key"

"""``careplan batch``: a mixed folder, reruns, changes, names, reports, progress, and the pieces underneath.

The command runs in this process (click's CliRunner) with real worker processes (``--jobs 2``); the tests that
follow a batch through several runs use a thread pool, which exercises the same task function on another
``concurrent.futures.Executor`` without starting processes each time.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from careplan.batch.executors import ExecutorSpecError, LocalPool, parse_executor, start_method
from careplan.batch.fingerprint import settings_digest
from careplan.batch.inputs import expand_inputs
from careplan.batch.naming import duplicates, id_in_name, output_name, slug, stable_id
from careplan.batch.progress import BarProgress, LineProgress, QuietProgress, progress_for
from careplan.batch.report import BatchReport
from careplan.batch.run import run_batch
from careplan.batch.state import STATE_DIR, Manifest, locked
from careplan.cli import cli
from careplan.errors import InputError
from careplan.intake import extract_intake, load_intake, parse_intake, read_intake_bytes
from careplan.practice import load_practice
from careplan.synthetic import invalid_intake, synthetic_intake
from tests.conftest import BASE_INTAKE, ROOT
from tests.helpers.pdf import SRGB_LEAK_FILTER

pytestmark = [SRGB_LEAK_FILTER, pytest.mark.slow]  # slow: starts worker processes and renders batches

BAD_KINDS = ("malformed-json", "unknown-field", "born-after-consult")


def latin_indices(count: int, seed: int = 0) -> list[int]:
    """Synthetic intakes whose parent's name has a Latin form (so the output name shows it)."""
    found: list[int] = []
    index = 0
    while len(found) < count:
        if slug(synthetic_intake(index, seed)["parent"]["name"]):
            found.append(index)
        index += 1
    return found


def write_intake(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def expected_name(path: Path) -> str:
    return output_name(load_intake(path), path.stem)


def pdf_names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.suffix == ".pdf"}


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".part")]


@dataclass
class Mixed:
    inputs: Path
    out: Path
    valid: list[Path]
    bad: list[Path]
    stdout: str
    stderr: str
    exit_code: int
    report: dict[str, Any]


def invoke(args: list[str]) -> Any:
    return CliRunner().invoke(cli, ["batch", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Mixed:
    """A folder of three valid intakes and three bad ones (malformed JSON, an unknown field, a birth after the
    consult), rendered once with two worker processes."""
    base = tmp_path_factory.mktemp("mixed")
    inputs = base / "intakes"
    valid = [write_intake(inputs / f"family-{n}.json", synthetic_intake(i)) for n, i in enumerate(latin_indices(3))]
    bad = []
    for number, kind in enumerate(BAD_KINDS):
        path = inputs / f"zz-bad-{number}.json"
        path.write_bytes(invalid_intake(kind, number))
        bad.append(path)
    out = base / "plans"
    report_path = base / "report.json"
    result = invoke([str(inputs), "-o", str(out), "--jobs", "2", "--report", str(report_path)])
    return Mixed(
        inputs=inputs,
        out=out,
        valid=valid,
        bad=bad,
        stdout=result.stdout,
        stderr=result.stderr,
        exit_code=result.exit_code,
        report=json.loads(report_path.read_text(encoding="utf-8")),
    )


def test_mixed_folder_renders_every_valid_intake_and_reports_every_bad_one(mixed: Mixed) -> None:
    assert mixed.exit_code == 1, mixed.stderr
    assert pdf_names(mixed.out) == {expected_name(path) for path in mixed.valid}
    for path in mixed.bad:  # each bad file's own InputError lines, as `careplan validate` prints them
        with pytest.raises(InputError) as caught:
            load_intake(path)
        assert f"failed: {path}" in mixed.stderr
        for line in caught.value.lines:
            assert line in mixed.stderr
    assert "6 intakes: 3 rendered, 0 up to date, 3 failed" in mixed.stdout
    assert "Traceback" not in mixed.stderr + mixed.stdout


def test_every_pdf_is_complete_private_and_holds_its_intake(mixed: Mixed) -> None:
    for path in mixed.valid:
        pdf = mixed.out / expected_name(path)
        assert pdf.stat().st_mode & 0o777 == 0o600
        assert len(PdfReader(pdf).pages) > 3
        assert json.loads(extract_intake(pdf)) == json.loads(load_intake(path).model_dump_json())
    assert (mixed.out / STATE_DIR / "manifest.json").stat().st_mode & 0o777 == 0o600
    assert leftovers(mixed.out) == []


def test_report_lists_every_input_with_status_output_and_time(mixed: Mixed) -> None:
    report = mixed.report
    assert report["counts"] == {"rendered": 3, "skipped": 0, "failed": 3, "interrupted": 0}
    assert report["exit_code"] == 1
    items = {item["input"]: item for item in report["items"]}
    assert set(items) == {str(p) for p in mixed.valid + mixed.bad}
    for path in mixed.valid:
        item = items[str(path)]
        assert item["status"] == "rendered"
        assert item["output"] == str(mixed.out / expected_name(path))
        assert item["seconds"] > 0
        assert item["messages"] == []
    for path in mixed.bad:
        item = items[str(path)]
        assert item["status"] == "failed"
        assert item["output"] is None
        assert item["messages"] and all(m.startswith(f"{path}: ") for m in item["messages"])
    workers = report["workers"]
    assert workers["count"] == 2
    assert 0 < workers["peak_memory_mb_max"] < 400
    assert sum(worker["plans"] for worker in workers["each"]) == 3
    assert all(worker["cpu_seconds"] > 0 for worker in workers["each"])


def test_rerun_skips_everything_up_to_date(mixed: Mixed) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in mixed.out.glob("*.pdf")}
    result = invoke([str(mixed.inputs), "-o", str(mixed.out), "--jobs", "2"])
    assert result.exit_code == 1  # the bad files are still bad, and still reported
    assert "6 intakes: 0 rendered, 3 up to date, 3 failed" in result.stdout
    for path in mixed.bad:
        assert f"failed: {path}" in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in mixed.out.glob("*.pdf")} == before


def test_names_come_from_the_intake() -> None:
    data = json.loads(json.dumps(BASE_INTAKE))
    data["parent"]["name"] = "  Zoë  Ångström-O'Brien "
    data["babies"][0]["name"] = "Łucja Maria"
    data["babies"].append({**data["babies"][0], "name": "Søren"})
    intake = parse_intake(json.dumps(data))
    name = output_name(intake, "intake-17")
    assert name == f"2026-05-01_zoe-angstrom-obrien_lucja-soren_{stable_id(intake)}.pdf"
    assert id_in_name(name) == stable_id(intake) and len(stable_id(intake)) == 10
    data["parent"]["name"] = "王芳"
    data["babies"] = [{**data["babies"][0], "name": "小明"}]
    chinese = parse_intake(json.dumps(data))
    assert output_name(chinese, "record 17") == f"2026-05-01_record-17_{stable_id(chinese)}.pdf"
    assert slug("Nguyễn Thị Lan") == "nguyen-thi-lan"
    assert slug("Groß-Bäumer") == "gross-baumer"
    assert slug("a" * 50 + " b") == "a" * 40
    assert slug("Anne-Marie Catherine Elisabeth Montgomery-Smythe", 30) == "anne-marie-catherine-elisabeth"
    assert id_in_name("2026-05-01_robin.pdf") is None


def test_the_stable_id_follows_the_consult_not_the_details() -> None:
    data = json.loads(json.dumps(BASE_INTAKE))
    first = stable_id(parse_intake(json.dumps(data)))
    data["goals"]["what_matters_most"] = "Sleep, honestly."
    data["parent"]["name"] = data["parent"]["name"].upper() + "  "
    assert stable_id(parse_intake(json.dumps(data))) == first, "details and letter case do not change it"
    data["babies"][0]["birth_date"] = "2026-04-02"
    assert stable_id(parse_intake(json.dumps(data))) != first, "another baby is another consult"
    data["record_id"] = "0f3c6a1e9b2d4c7a8e5f1a2b3c4d5e6f"
    recorded = stable_id(parse_intake(json.dumps(data)))
    data["parent"]["name"] = "Someone Else Entirely"
    data["consult"]["date"] = "2026-05-02"
    assert stable_id(parse_intake(json.dumps(data))) == recorded, "a record id holds through corrections"


def test_a_second_file_for_the_same_consult_is_named_as_a_duplicate() -> None:
    a, b, c = "2026-05-01_robin_0123456789.pdf", "2026-05-01_robin-x_0123456789.pdf", "2026-05-02_sam_abcdefabcd.pdf"
    assert duplicates({"/in/b.json": a, "/in/a.json": b, "/in/c.json": c}, {}) == {"/in/b.json": "/in/a.json"}
    # An input kept from an earlier run (up to date) keeps its id against a new file, whatever the paths.
    assert duplicates({"/in/0.json": a}, {"/in/z.json": b}) == {"/in/0.json": "/in/z.json"}
    assert duplicates({"/in/z.json": a}, {"/in/z.json": a}) == {}


def _batch(inputs: list[Path] | Path, out: Path, **options: Any) -> BatchReport:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return run_batch([inputs] if isinstance(inputs, Path) else inputs, out, executor=pool, **options)


def _statuses(report: BatchReport) -> dict[str, str]:
    return {Path(item.label).name: item.status for item in report.items}


def test_rerun_after_changes_renders_only_what_changed(tmp_path: Path) -> None:
    """One story on any Executor (a thread pool): first run, rerun, one intake changed, a practice file, --force,
    two files with the same family and date, and a temporary file left by a killed run."""
    first, second = latin_indices(2, seed=1)
    a = write_intake(tmp_path / "in" / "a.json", synthetic_intake(first, 1))
    b = write_intake(tmp_path / "in" / "b.json", synthetic_intake(second, 1))
    out = tmp_path / "out"
    report = _batch(tmp_path / "in", out)
    assert report.exit_code == 0
    assert _statuses(report) == {"a.json": "rendered", "b.json": "rendered"}
    a_pdf, b_pdf = out / expected_name(a), out / expected_name(b)
    b_bytes = b_pdf.read_bytes()

    report = _batch(tmp_path / "in", out)
    assert _statuses(report) == {"a.json": "skipped", "b.json": "skipped"}
    assert report.items[0].output == a_pdf.name

    # Change one intake: only it is rendered again, under the same name.
    data = json.loads(b.read_text(encoding="utf-8"))
    data["goals"]["what_matters_most"] = "Sleep, honestly."
    write_intake(b, data)
    (out / f".{a_pdf.name}.x1y2z3.part").write_bytes(b"%PDF-1.7 half a file")  # left by a killed run
    report = _batch(tmp_path / "in", out)
    assert _statuses(report) == {"a.json": "skipped", "b.json": "rendered"}
    assert b_pdf.read_bytes() != b_bytes
    assert leftovers(out) == []

    # A practice file: everything depends on it.
    practice = tmp_path / "practice.toml"
    practice.write_text('name = "Riverside Lactation Care"\n', encoding="utf-8")
    report = _batch(tmp_path / "in", out, practice=practice)
    assert _statuses(report) == {"a.json": "rendered", "b.json": "rendered"}
    assert _statuses(_batch(tmp_path / "in", out, practice=practice)) == {"a.json": "skipped", "b.json": "skipped"}

    # A copy of an intake is the same consult again: it fails, naming the file that is kept, and writes nothing.
    copy = tmp_path / "in" / "c.json"
    shutil.copyfile(a, copy)
    report = _batch(tmp_path / "in", out, practice=practice)
    assert _statuses(report) == {"a.json": "skipped", "b.json": "skipped", "c.json": "failed"}
    assert report.items[2].messages == [
        f"{copy}: the same consult as {a} (same family, babies and consult date, or the same record id); only that "
        "one is rendered: keep one of the two files"
    ]
    # --force renders everything again, the copy still refused.
    report = _batch(tmp_path / "in", out, practice=practice, force=True)
    assert _statuses(report) == {"a.json": "rendered", "b.json": "rendered", "c.json": "failed"}
    assert report.items[0].output == a_pdf.name
    assert pdf_names(out) == {a_pdf.name, b_pdf.name}
    manifest = Manifest.load(out / STATE_DIR / "manifest.json", [])
    assert set(manifest.inputs) == {str(p.resolve()) for p in (a, b)}


def test_a_deleted_pdf_is_rendered_again(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "in" / "one.json", BASE_INTAKE)
    out = tmp_path / "out"
    assert _statuses(_batch(path, out)) == {"one.json": "rendered"}
    (out / expected_name(path)).unlink()
    assert _statuses(_batch(path, out)) == {"one.json": "rendered"}
    assert pdf_names(out) == {expected_name(path)}
    assert expected_name(path).startswith("2026-05-01_robin-example_sky_")


def test_settings_digest_follows_practice_library_templates_and_variant(tmp_path: Path) -> None:
    practice_file = tmp_path / "practice.toml"
    practice_file.write_text('name = "One"\n', encoding="utf-8")
    library = tmp_path / "library"
    library.mkdir()
    (library / "extra.yaml").write_text("sources: {}\n", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_cover.html").write_text("<p>cover</p>", encoding="utf-8")

    def digest(variant: str = "pdf/a-3b") -> str:
        return settings_digest(practice_file, load_practice(practice_file), [library], variant)

    start = digest()
    assert digest() == start
    assert digest("pdf/ua-1") != start
    practice_file.write_text('name = "Two"\n', encoding="utf-8")
    after_practice = digest()
    assert after_practice != start
    (library / "extra.yaml").write_text("sources: {x: {citation: y}}\n", encoding="utf-8")
    after_library = digest()
    assert after_library != after_practice
    practice_file.write_text(f'name = "Two"\ntemplates = "{templates}"\n', encoding="utf-8")
    with_templates = digest()
    (templates / "_cover.html").write_text("<p>new cover</p>", encoding="utf-8")
    assert digest() != with_templates
    assert settings_digest(None, load_practice(None), [], "pdf/a-3b") != start


def test_inputs_files_folders_and_globs(tmp_path: Path) -> None:
    a = write_intake(tmp_path / "in" / "a.json", BASE_INTAKE)
    b = write_intake(tmp_path / "in" / "sub" / "b.json", BASE_INTAKE)
    (tmp_path / "in" / "notes.txt").write_text("not an intake", encoding="utf-8")
    (tmp_path / "in" / ".hidden.json").write_text("{}", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    report = tmp_path / "in" / "report.json"
    report.write_text("{}", encoding="utf-8")
    found, notes = expand_inputs(
        [tmp_path / "in", str(tmp_path / "in" / "**" / "*.json"), a, tmp_path / "missing.json",
         tmp_path / "empty", str(tmp_path / "none-*.json")],
        exclude=[report],
    )
    assert [path for _, path in found] == [a.resolve(), b.resolve(), (tmp_path / "missing.json").resolve()]
    assert found[0][0] == str(a)
    assert notes == [
        f"{tmp_path / 'empty'}: no .json files in this folder",
        f"{tmp_path / 'none-*.json'}: matches no files",
    ]


def test_a_missing_input_fails_and_the_rest_render(tmp_path: Path) -> None:
    good = write_intake(tmp_path / "good.json", BASE_INTAKE)
    report = _batch([good, tmp_path / "gone.json"], tmp_path / "out")
    assert _statuses(report) == {"good.json": "rendered", "gone.json": "failed"}
    assert report.failed[0].messages == [f"{tmp_path / 'gone.json'}: no such file"]
    assert report.exit_code == 1


def test_only_valid_intakes_exit_0_and_print_a_summary(tmp_path: Path) -> None:
    write_intake(tmp_path / "in" / "one.json", BASE_INTAKE)
    result = invoke([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    assert "1 intake: 1 rendered, 0 up to date" in result.stdout
    assert "local (1 worker)" in result.stderr  # never more workers than plans to render
    assert "Robin" not in result.stderr, "progress never shows names"


def test_one_batch_at_a_time_per_folder(tmp_path: Path) -> None:
    write_intake(tmp_path / "in" / "one.json", BASE_INTAKE)
    out = tmp_path / "out"
    (out / STATE_DIR).mkdir(parents=True)
    with locked(out / STATE_DIR, out):
        result = invoke([str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{out}: another careplan batch is writing to this folder; wait for it to finish"


def test_a_broken_practice_file_stops_the_batch_with_its_message(tmp_path: Path) -> None:
    write_intake(tmp_path / "in" / "one.json", BASE_INTAKE)
    practice = tmp_path / "practice.toml"
    practice.write_text("name = [", encoding="utf-8")
    result = invoke([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--practice", str(practice)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{practice}: not valid TOML")
    assert not (tmp_path / "out").exists()


def test_a_broken_practice_library_stops_the_batch_with_its_message(tmp_path: Path) -> None:
    write_intake(tmp_path / "in" / "one.json", BASE_INTAKE)
    library = tmp_path / "my-library"
    library.mkdir()
    (library / "extra.yaml").write_text("entries: [{id: Bad Id}]\n", encoding="utf-8")
    result = invoke([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--library", str(library)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{library}/extra.yaml: entry 'Bad Id': ")
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_executor_option() -> None:
    assert parse_executor("local") is None
    assert parse_executor("dask://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert parse_executor("tls://scheduler:8786") == "tls://scheduler:8786"
    for bad in ("dask://nohost", "ray://x:1", "dask://:8786"):
        with pytest.raises(ExecutorSpecError):
            parse_executor(bad)
    result = invoke(["x.json", "-o", "out", "--executor", "ray://x:1"])
    assert result.exit_code == 2
    assert "--executor" in result.stderr


def test_workers_never_fork_and_the_main_process_never_imports_weasyprint() -> None:
    assert start_method() in ("forkserver", "spawn")
    code = (
        "import sys, careplan.batch.run, careplan.batch.worker, careplan.batch.executors, careplan.batch.progress\n"
        "from careplan.batch.executors import FORKSERVER_PRELOAD\n"
        "import importlib\n"
        "[importlib.import_module(m) for m in FORKSERVER_PRELOAD]\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert LocalPool.restartable


def test_progress_bar_on_a_terminal_and_lines_in_a_log() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    bar = progress_for(terminal)
    assert isinstance(bar, BarProgress)
    bar.begin(inputs=12, to_render=10, skipped=1, failed=1, where="local (2 workers)")
    for _ in range(4):
        bar.advance("rendered")
    bar.advance("failed")
    bar.end()
    shown = terminal.getvalue()
    assert "Rendering 10 of 12 intakes, 1 up to date, 1 refused on local (2 workers)" in shown
    assert "\r" in shown and "5/10 rendered, 1 failed" in shown and "plans/s" in shown and "left" in shown

    log = io.StringIO()
    lines = progress_for(log)
    assert isinstance(lines, LineProgress)
    lines.begin(inputs=20, to_render=20, skipped=0, failed=0, where="local (2 workers)")
    for _ in range(20):
        lines.advance("rendered")
    text = log.getvalue()
    assert "\r" not in text
    assert text.splitlines()[0] == "careplan batch: 20 intakes; rendering 20 on local (2 workers)"
    assert len(text.splitlines()) == 11  # the first line, then every 10%
    assert text.splitlines()[-1].startswith("careplan batch: 20/20 rendered, ")

    assert isinstance(progress_for(log, quiet=True), QuietProgress)


def test_manifest_survives_garbage(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("{not json", encoding="utf-8")
    notes: list[str] = []
    assert Manifest.load(path, notes) == Manifest()
    assert notes == [f"{path}: unreadable; every intake is rendered again"]


def test_journals_from_a_killed_run_count_in_time_order_and_only_for_pdfs_in_place(tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "a.pdf").write_bytes(b"%PDF new")
    (tmp_path / "b.pdf").write_bytes(b"%PDF older")
    new, older = (hashlib.sha256(x).hexdigest() for x in (b"%PDF new", b"%PDF older"))
    lines = [
        {"input": "/in/a.json", "fingerprint": "new", "output": "a.pdf", "pdf_sha256": new, "time": 20.0},
        {"input": "/in/a.json", "fingerprint": "old", "output": "a.pdf", "pdf_sha256": "0" * 64, "time": 10.0},
        # killed between the journal line and the rename: the file is still the older one
        {"input": "/in/b.json", "fingerprint": "b2", "output": "b.pdf", "pdf_sha256": new, "time": 30.0},
        {"input": "/in/c.json", "fingerprint": "c", "output": "c.pdf", "pdf_sha256": new, "time": 30.0},
    ]
    (tmp_path / "journal-host-2.jsonl").write_text(json.dumps(lines[0]) + "\n", encoding="utf-8")
    (tmp_path / "journal-host-1.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines[1:]) + "{torn", encoding="utf-8"
    )
    manifest = Manifest()
    manifest.record("/in/b.json", "b1", "b.pdf")
    assert len(manifest.replay(tmp_path, tmp_path)) == 2
    assert manifest.inputs == {
        "/in/a.json": {"fingerprint": "new", "output": "a.pdf"},
        "/in/b.json": {"fingerprint": "b1", "output": "b.pdf"},
    }
    assert older != new


def test_unreadable_input_messages_match_load_intake(tmp_path: Path) -> None:
    folder = tmp_path / "folder.json"
    folder.mkdir()
    for path in (folder, tmp_path / "gone.json"):
        with pytest.raises(InputError) as from_load:
            load_intake(path)
        with pytest.raises(InputError) as from_batch:
            read_intake_bytes(path, str(path))
        assert from_batch.value.lines == from_load.value.lines


def test_report_is_written_even_when_nothing_renders(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.json").write_text("[]", encoding="utf-8")
    report_path = tmp_path / "report.json"
    result = invoke([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--report", str(report_path)])
    assert result.exit_code == 1
    data = json.loads(report_path.read_text(encoding="utf-8"))
    assert data["items"][0]["status"] == "failed"
    assert data["counts"]["failed"] == 1
    assert report_path.stat().st_mode & 0o777 == 0o600
    assert date.fromisoformat(data["finished"][:10])


def test_workers_are_recycled_to_keep_memory_flat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import careplan.batch.executors

    monkeypatch.setattr(careplan.batch.executors, "RECYCLE_AFTER", 1)
    for number, index in enumerate(latin_indices(3, seed=4)):
        write_intake(tmp_path / "in" / f"{number}.json", synthetic_intake(index, 4))
    report = run_batch([tmp_path / "in"], tmp_path / "out", jobs=1)
    assert [item.status for item in report.items] == ["rendered"] * 3
    assert len(report.workers) == 3, "a fresh worker process for every plan"
    assert all(stats.plans == 1 and stats.peak_kib > 0 and stats.cpu_seconds > 0 for stats in report.workers.values())


def test_a_family_whose_name_changed_leaves_a_stale_plan_until_prune(tmp_path: Path) -> None:
    """A typo fixed in a name gives a new file name; the earlier plan is reported (not by name) and --prune
    removes it."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    data = json.loads(json.dumps(BASE_INTAKE))
    data["parent"]["name"] = "Robyn Quillfeather"
    (inputs / "family.json").write_text(json.dumps(data), encoding="utf-8")
    assert invoke([str(inputs), "-o", str(out), "--jobs", "1", "-q"]).exit_code == 0
    (first,) = out.glob("*.pdf")
    data["parent"]["name"] = "Robin Quillfeather"
    (inputs / "family.json").write_text(json.dumps(data), encoding="utf-8")
    again = invoke([str(inputs), "-o", str(out), "--jobs", "1", "-q"])
    assert again.exit_code == 0
    assert "1 earlier plan of families whose name changed is still in" in again.stderr
    assert "Robyn" not in again.output
    assert len(list(out.glob("*.pdf"))) == 2 and first.exists()
    data["parent"]["name"] = "Robin Quillfeathers"
    (inputs / "family.json").write_text(json.dumps(data), encoding="utf-8")
    pruned = invoke([str(inputs), "-o", str(out), "--jobs", "1", "-q", "--prune"])
    assert pruned.exit_code == 0 and "removed 2 earlier plans" in pruned.stderr
    (only,) = out.glob("*.pdf")
    assert "quillfeathers" in only.name and first.exists() is False


def test_a_lost_state_folder_never_duplicates_a_plan(tmp_path: Path) -> None:
    """With .careplan-batch/ gone, a rerun writes each plan under the name it had; a corrected name on an intake
    with a record id is still known as the same consult's earlier plan, by the id."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    data = json.loads(json.dumps(BASE_INTAKE))
    data["record_id"] = "5d1e0c2b9a8f4e3d2c1b0a9f8e7d6c5b"
    data["parent"]["name"] = "Robyn Quillfeather"
    (inputs / "family.json").write_text(json.dumps(data), encoding="utf-8")
    other = write_intake(inputs / "other.json", BASE_INTAKE)
    assert invoke([str(inputs), "-o", str(out), "--jobs", "1", "-q"]).exit_code == 0
    first = pdf_names(out)
    assert len(first) == 2
    shutil.rmtree(out / STATE_DIR)
    again = invoke([str(inputs), "-o", str(out), "--jobs", "1", "-q"])
    assert again.exit_code == 0 and pdf_names(out) == first
    shutil.rmtree(out / STATE_DIR)
    data["parent"]["name"] = "Robin Quillfeather"
    (inputs / "family.json").write_text(json.dumps(data), encoding="utf-8")
    renamed = invoke([str(inputs), "-o", str(out), "--jobs", "1", "-q", "--prune"])
    assert renamed.exit_code == 0 and "removed 1 earlier plan of families whose name changed" in renamed.stderr
    names = pdf_names(out)
    assert expected_name(other) in names and len(names) == 2
    assert any(name.startswith("2026-05-01_robin-quillfeather_") for name in names)

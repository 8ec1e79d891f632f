"""How long rendering a plan takes, against the floor of WeasyPrint alone on the same final HTML.

Run: .venv/bin/python benchmarks/bench_render.py [--repeat N]

In one run, on every example intake:
  floor     WeasyPrint alone: the final HTML (all CSS inlined) to a PDF, one warm process, nothing else
  careplan  careplan in process, warm: intake -> plan -> HTML -> PDF (write_plan_pdf)
  command   `careplan render` as a whole command (a new process each time: imports, fonts, everything)
  help      `careplan --help` (must stay light: no WeasyPrint import; goal <= 150 ms)
  progress  for the follow-up example with the most visits: the growth block, the progress charts (SVG and
            tables) and the progress document (`careplan progress`), each as a ratio of its care plan's render
  imports   a new Python process that only imports WeasyPrint: the part of a cold command no cache can remove
  plan type the careplan/floor ratio for each plan type's examples alone (a plan type is data: no slower)
  language  every example's plan built and rendered in Spanish against the same in English (the translations'
            lookups, hashes and the check that every text is there), and a plan that falls back to English
Times are medians of N runs per example, summed over the examples; the ratios are what to watch (goals:
careplan / floor <= 1.10, command / careplan <= 1.6). Each example's line gives the plan's pages, pages before the
references, words and careplan's in-process milliseconds (sorted by words), then a straight-line fit of time
against words, so the cost of a plan's length is visible: a shorter plan must render faster.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from careplan import build_plan, load_intake, load_library  # noqa: E402
from careplan._resources import templates_dir  # noqa: E402
from careplan.documents.care_plan import page_css, render_html, used_characters  # noqa: E402
from careplan.documents.fonts import fonts_css  # noqa: E402
from careplan.pipeline import write_plan_pdf  # noqa: E402
from careplan.practice import load_practice  # noqa: E402

#: Every plan type's examples (relactation first, then low supply), each built with its own plan type's library.
EXAMPLES = [*sorted((ROOT / "intake_forms" / "relactation" / "examples").glob("*.json")),
            *sorted((ROOT / "intake_forms" / "low-supply" / "examples").glob("*.json"))]
CAREPLAN = str(Path(sys.executable).with_name("careplan"))


def median_time(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def length(pdf: Path) -> tuple[int, int, int]:
    """Pages, pages before the one where the references start, and words of a rendered plan."""
    from pypdf import PdfReader

    texts = [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]
    before = next((i for i, text in enumerate(texts) if "\nReferences\n" in f"\n{text}"), len(texts))
    return len(texts), before, sum(len(text.split()) for text in texts)


def progress_costs(libraries, practice, repeat: int, out: Path) -> None:  # type: ignore[no-untyped-def]
    """What the follow-up charts cost, against the care plan's own render, in one run."""
    from careplan.documents.progress_charts import charts
    from careplan.growth.series import growth
    from careplan.locales import Formatter

    path = max(EXAMPLES, key=lambda p: len({r.date for r in load_intake(p).progress}))
    intake = load_intake(path)
    library = libraries[intake.plan_type]
    plan = build_plan(intake, library)
    fmt = Formatter(practice.locale_for(plan.jurisdiction))
    timings = {
        "care plan": median_time(lambda: write_plan_pdf(intake, out / "plan.pdf", library=library,
                                                        practice=practice), repeat),
        "progress document": median_time(lambda: write_plan_pdf(intake, out / "progress.pdf", library=library,
                                                                practice=practice, kind="progress"), repeat),
        "charts (SVG and tables)": median_time(lambda: charts(plan, fmt), repeat * 4),
        "growth block": median_time(lambda: growth(intake), repeat * 4),
    }
    whole = timings["care plan"]
    print(f"progress: {path.stem} ({len(plan.growth[0].points)} weights, {len(plan.progress)} follow-up records)")
    for name, took in timings.items():
        print(f"  {name:24} {took * 1000:8.1f} ms   ratio to the care plan {took / whole:.3f}")


def language_costs(libraries, practice, repeat: int, out: Path) -> None:  # type: ignore[no-untyped-def]
    """What a plan in Spanish costs against the same plan in English, in one run, over every example."""
    intakes = [load_intake(path) for path in EXAMPLES]
    pairs = [(i, libraries[i.plan_type]) for i in intakes]
    for intake, library in pairs:  # warm: the catalogues are read once per process
        build_plan(intake, library, language="es")

    def build(language: str) -> float:
        return sum(median_time(lambda i=i, lib=lib: build_plan(i, lib, language=language), repeat * 4)
                   for i, lib in pairs)

    def render(language: str) -> float:
        return sum(median_time(lambda i=i, lib=lib: write_plan_pdf(i, out / f"{language}.pdf", library=lib,
                                                                   practice=practice, language=language), repeat)
                   for i, lib in pairs)

    timings = {
        "build, English": build("en"),
        "build, Spanish": build("es"),
        "build, zh (English + note)": build("zh"),
        "render, English": render("en"),
        "render, Spanish": render("es"),
    }
    print(f"language: {len(intakes)} examples")
    for name, took in timings.items():
        base = timings["render, English" if name.startswith("render") else "build, English"]
        print(f"  {name:28} {took / len(intakes) * 1000:8.1f} ms per plan   ratio to English {took / base:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    libraries = {kind: load_library(plan_type=kind) for kind in ("relactation", "low-supply")}
    practice = load_practice()
    templates = templates_dir()
    floor_fonts = FontConfiguration()
    totals = {"floor": 0.0, "careplan": 0.0, "command": 0.0}
    by_kind: dict[str, list[float]] = {kind: [0.0, 0.0] for kind in libraries}  # floor, careplan
    rows: list[tuple[str, int, int, int, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for path in EXAMPLES:
            intake = load_intake(path)
            library = libraries[intake.plan_type]
            plan = build_plan(intake, library)
            html = render_html(plan, practice)
            css = (templates / "plan.css").read_text() + fonts_css(used_characters(html)) + page_css(plan, practice)
            final = html.replace("</head>", f"<style>{css}</style></head>", 1)

            def floor(final: str = final) -> None:
                doc = weasyprint.HTML(string=final, base_url=templates.as_uri() + "/")
                doc.write_pdf(str(out / "floor.pdf"), font_config=floor_fonts, pdf_variant="pdf/a-3a", pdf_tags=True)

            def in_process(intake=intake, library=library) -> None:  # type: ignore[no-untyped-def]
                write_plan_pdf(intake, out / "careplan.pdf", library=library, practice=practice)

            def command(path: Path = path) -> None:
                subprocess.run([CAREPLAN, "render", str(path), "-o", str(out / "command.pdf")], check=True,
                               capture_output=True)

            floor()
            in_process()  # warm both paths before timing
            floor_took = median_time(floor, args.repeat)
            totals["floor"] += floor_took
            took = median_time(in_process, args.repeat)
            totals["careplan"] += took
            by_kind[intake.plan_type][0] += floor_took
            by_kind[intake.plan_type][1] += took
            rows.append((path.stem, *length(out / "careplan.pdf"), took))
            totals["command"] += median_time(command, max(1, args.repeat // 2))
        help_time = median_time(lambda: subprocess.run([CAREPLAN, "--help"], check=True, capture_output=True), 5)
        import_only = [sys.executable, "-c", "import weasyprint"]
        imports_time = median_time(lambda: subprocess.run(import_only, check=True, capture_output=True), 5)
    n = len(EXAMPLES)
    print(f"examples: {n}, repeats: {args.repeat}")
    print(f"{'example':40} {'pages':>5} {'before refs':>11} {'words':>6} {'ms':>7} {'ms/page':>7} {'ms/1k words':>11}")
    for stem, pages, before, words, took in sorted(rows, key=lambda row: row[3]):
        print(f"{stem:40} {pages:5} {before:11} {words:6} {took * 1000:7.1f} {took * 1000 / pages:7.1f}"
              f" {took * 1e6 / words:11.1f}")
    if len(rows) > 2:  # how the time grows with the length: a fixed part and a part per 1,000 words
        fit = statistics.linear_regression([r[3] / 1000 for r in rows], [r[4] * 1000 for r in rows])
        print(f"fit: ms = {fit.intercept:.0f} + {fit.slope:.0f} per 1,000 words"
              f" (r = {statistics.correlation([r[3] for r in rows], [r[4] for r in rows]):.2f})")
    for name, total in totals.items():
        print(f"{name:9} {total / n * 1000:8.1f} ms per plan   ratio to floor {total / totals['floor']:.2f}")
    print(f"help      {help_time * 1000:8.1f} ms (goal <= 150 ms)")
    print(f"imports   {imports_time * 1000:8.1f} ms (a process that only imports WeasyPrint)")
    print(f"careplan/floor = {totals['careplan'] / totals['floor']:.3f} (goal <= 1.10)")
    for kind, (floor_total, careplan_total) in by_kind.items():
        print(f"careplan/floor, {kind} examples only = {careplan_total / floor_total:.3f}")
    print(f"command/careplan = {totals['command'] / totals['careplan']:.3f} (goal <= 1.6)")
    share = imports_time * n / totals['careplan']
    print(f"imports/careplan = {share:.3f} (the part of a cold command no cache removes)")
    with tempfile.TemporaryDirectory() as folder:
        progress_costs(libraries, practice, args.repeat, Path(folder))
    with tempfile.TemporaryDirectory() as folder:
        language_costs(libraries, practice, args.repeat, Path(folder))


if __name__ == "__main__":
    main()

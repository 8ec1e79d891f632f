"""How fast ``careplan batch`` renders, against WeasyPrint alone, and how much memory its workers use.

Run: .venv/bin/python benchmarks/bench_batch.py [--count 200] [--memory-scale 2000]

In one run, on COUNT synthetic intakes (careplan.synthetic, seed 0):
  a  floor       WeasyPrint alone on each plan's final HTML (all CSS inlined), one warm process, nothing else
  b  jobs 1      `careplan batch --jobs 1`, the whole command (start-up, workers, manifest, everything)
  c  all cores   `careplan batch` with one worker per core
  d  rerun       the same command as c again, nothing changed
and the peak memory of every worker process (from the batch's report). With --memory-scale N, also a batch of N
intakes with all cores, to check that a worker's peak memory stays flat as the batch grows.

Goals: b/a <= 1.10, b/c >= 0.9 x cores, d/c <= 0.05, every worker's peak < 200 MB and flat from COUNT to N.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from careplan.batch_executors import cpu_count  # noqa: E402
from careplan.synthetic import write_synthetic  # noqa: E402

CAREPLAN = str(Path(sys.executable).with_name("careplan"))
FALLBACK = [sys.executable, "-c", "import sys; from careplan.batch import main; main()"]


def batch_command() -> list[str]:
    """`careplan batch` once it is registered in the command group; until then, the command on its own."""
    registered = subprocess.run([CAREPLAN, "batch", "--help"], capture_output=True, check=False)
    return [CAREPLAN, "batch"] if registered.returncode == 0 else FALLBACK


def floor_seconds(paths: list[Path], out: Path) -> float:
    """WeasyPrint alone: the final HTML of every plan (CSS inlined) to PDF in this process, warm."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from careplan import build_plan, load_intake, load_library
    from careplan.document import page_css, render_html, used_characters
    from careplan.practice import load_practice
    from careplan.render import _renderer, fonts_css

    library, practice, renderer = load_library(), load_practice(), _renderer()
    stylesheet = (renderer.base / "plan.css").read_text(encoding="utf-8")
    finals = []
    for path in paths:  # everything careplan does before WeasyPrint, outside the timing
        plan = build_plan(load_intake(path), library)
        html = render_html(plan, practice)
        css = stylesheet + fonts_css(used_characters(html)) + page_css(plan, practice)
        finals.append(html.replace("</head>", f"<style>{css}</style></head>", 1))
    fonts = FontConfiguration()

    def render(final: str) -> None:
        document = weasyprint.HTML(string=final, base_url=renderer.base_url)
        document.write_pdf(str(out / "floor.pdf"), font_config=fonts, pdf_variant="pdf/a-3b")

    render(finals[0])  # warm
    start = time.perf_counter()
    for final in finals:
        render(final)
    return time.perf_counter() - start


def timed_batch(
    command: list[str], inputs: Path, out: Path, report: Path, *options: str
) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    done = subprocess.run(
        [*command, str(inputs), "-o", str(out), "--quiet", "--report", str(report), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"batch failed ({done.returncode}):\n{done.stderr}")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return seconds, data


def peaks(report: dict[str, Any]) -> list[float]:
    return [float(worker["peak_memory_mb"]) for worker in report["workers"]["each"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="intakes for a, b, c, d [200]")
    parser.add_argument("--memory-scale", type=int, default=0, metavar="N", help="also a batch of N intakes")
    parser.add_argument("--skip-floor", action="store_true", help="leave out a (and b/a)")
    args = parser.parse_args()
    cores = cpu_count()
    command = batch_command()
    work = Path(tempfile.mkdtemp(prefix="careplan-bench-batch-"))
    try:
        inputs = work / "intakes"
        paths = write_synthetic(inputs, args.count)
        print(f"intakes: {args.count} synthetic, cores: {cores}, command: {' '.join(command[-2:])}", flush=True)

        a = None if args.skip_floor else floor_seconds(paths, work)
        if a is not None:
            print(f"a  floor      {a:8.1f} s   {a / args.count * 1000:7.1f} ms per plan", flush=True)
        b, b_report = timed_batch(command, inputs, work / "b", work / "b.json", "--jobs", "1")
        print(f"b  jobs 1     {b:8.1f} s   {b / args.count * 1000:7.1f} ms per plan", flush=True)
        c, c_report = timed_batch(command, inputs, work / "c", work / "c.json")
        print(f"c  all cores  {c:8.1f} s   {c / args.count * 1000:7.1f} ms per plan", flush=True)
        d, d_report = timed_batch(command, inputs, work / "c", work / "d.json")
        print(f"d  rerun      {d:8.1f} s   ({d_report['counts']['skipped']} up to date)", flush=True)
        assert b_report["counts"]["rendered"] == c_report["counts"]["rendered"] == args.count
        assert d_report["counts"]["skipped"] == args.count

        print()
        if a is not None:
            print(f"b/a = {b / a:.3f}   (goal <= 1.10)")
        print(f"b/c = {b / c:.2f}    (goal >= {0.9 * cores:.2f}: 0.9 x {cores} cores)")
        print(f"d/c = {d / c:.3f}   (goal <= 0.05)")
        memory = peaks(b_report) + peaks(c_report)
        print(f"peak memory per worker, {args.count} intakes: {', '.join(f'{m:.0f}' for m in memory)} MB "
              f"(goal < 200)")

        if args.memory_scale:
            big = work / "big"
            write_synthetic(big, args.memory_scale)
            e, e_report = timed_batch(command, big, work / "e", work / "e.json")
            large = peaks(e_report)
            small = max(peaks(c_report))
            print(f"peak memory per worker, {args.memory_scale} intakes: {', '.join(f'{m:.0f}' for m in large)} MB "
                  f"in {e:.0f} s; largest / largest at {args.count} = {max(large) / small:.2f} (flat: <= 1.10)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

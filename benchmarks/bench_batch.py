"""How fast ``careplan batch`` renders, against WeasyPrint alone, and how much memory its workers use.

Run: .venv/bin/python benchmarks/bench_batch.py [--count 200] [--memory-scale 2000]

In one run, on COUNT synthetic intakes (careplan.synthetic, seed 0):
  a  floor       WeasyPrint alone on each plan's final HTML (all CSS inlined), one warm process, nothing else;
                 timed before b and again after d, and averaged, so a machine that slows down or speeds up
                 during the run (other work on it) does not tilt the ratio
  b  jobs 1      `careplan batch --jobs 1`, the whole command (start-up, workers, manifest, everything)
  c  all cores   `careplan batch` with one worker per core
  d  rerun       the same command as c again, nothing changed
and the peak memory of every worker process (from the batch's report). Wall-clock times give the ratios; the CPU
time of a and of b (the command plus its workers, not counting the forkserver's own start-up) is printed too, as a
check that other work on the machine does not move much.
With --memory-scale N, also a batch of N intakes with all cores, to check that a worker's peak memory stays flat
as the batch grows.

Goals: b/a <= 1.10, b/c >= 0.9 x cores, d/c <= 0.05, every worker's peak < 200 MB and flat from COUNT to N.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from careplan.batch.executors import cpu_count  # noqa: E402
from careplan.synthetic import write_synthetic  # noqa: E402

CAREPLAN = str(Path(sys.executable).with_name("careplan"))
FALLBACK = [sys.executable, "-m", "careplan", "batch"]


def batch_command() -> list[str]:
    """`careplan batch` once it is registered in the command group; until then, the command on its own."""
    registered = subprocess.run([CAREPLAN, "batch", "--help"], capture_output=True, check=False)
    return [CAREPLAN, "batch"] if registered.returncode == 0 else FALLBACK


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def floor_renderer(paths: list[Path], out: Path) -> Callable[[], tuple[float, float]]:
    """WeasyPrint alone: the final HTML of every plan (CSS inlined) to PDF in this process, warm. Returns a
    function that renders them all and gives (wall seconds, CPU seconds)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from careplan import build_plan, load_intake, load_library
    from careplan._resources import templates_dir
    from careplan.documents.care_plan import page_css, render_html, used_characters
    from careplan.documents.fonts import fonts_css
    from careplan.practice import load_practice

    library, practice, templates = load_library(), load_practice(), templates_dir()
    stylesheet = (templates / "plan.css").read_text(encoding="utf-8")
    finals = []
    for path in paths:  # everything careplan does before WeasyPrint, outside the timing
        plan = build_plan(load_intake(path), library)
        html = render_html(plan, practice)
        css = stylesheet + fonts_css(used_characters(html)) + page_css(plan, practice)
        finals.append(html.replace("</head>", f"<style>{css}</style></head>", 1))
    fonts = FontConfiguration()

    def render(final: str) -> None:
        document = weasyprint.HTML(string=final, base_url=templates.as_uri() + "/")
        document.write_pdf(str(out / "floor.pdf"), font_config=fonts, pdf_variant="pdf/a-3b")

    render(finals[0])  # warm

    def run() -> tuple[float, float]:
        start, cpu = time.perf_counter(), cpu_seconds(resource.RUSAGE_SELF)
        for final in finals:
            render(final)
        return time.perf_counter() - start, cpu_seconds(resource.RUSAGE_SELF) - cpu

    return run


def timed_batch(
    command: list[str], inputs: Path, out: Path, report: Path, *options: str
) -> tuple[float, float, dict[str, Any]]:
    """Run the command; (wall seconds, CPU seconds of it and all its processes, its report)."""
    start, cpu = time.perf_counter(), cpu_seconds(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [*command, str(inputs), "-o", str(out), "--quiet", "--report", str(report), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds, cpu = time.perf_counter() - start, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
    if done.returncode != 0:
        raise SystemExit(f"batch failed ({done.returncode}):\n{done.stderr}")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    # The command's own CPU time is counted here; its workers' (children of the forkserver) come from the report.
    cpu += sum(float(worker["cpu_seconds"]) for worker in data["workers"]["each"])
    return seconds, cpu, data


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
        shown = "careplan batch" if command[0] == CAREPLAN else "python -m careplan batch"
        print(f"intakes: {args.count} synthetic, cores: {cores}, command: {shown}", flush=True)

        floor = None if args.skip_floor else floor_renderer(paths, work)
        if floor is not None:
            a1, a1_cpu = floor()
            print(f"a  floor      {a1:8.1f} s   {a1 / args.count * 1000:7.1f} ms per plan   CPU {a1_cpu:7.1f} s",
                  flush=True)
        b, b_cpu, b_report = timed_batch(command, inputs, work / "b", work / "b.json", "--jobs", "1")
        print(f"b  jobs 1     {b:8.1f} s   {b / args.count * 1000:7.1f} ms per plan   CPU {b_cpu:7.1f} s", flush=True)
        c, _, c_report = timed_batch(command, inputs, work / "c", work / "c.json")
        print(f"c  all cores  {c:8.1f} s   {c / args.count * 1000:7.1f} ms per plan", flush=True)
        d, _, d_report = timed_batch(command, inputs, work / "c", work / "d.json")
        print(f"d  rerun      {d:8.1f} s   ({d_report['counts']['skipped']} up to date)", flush=True)
        assert b_report["counts"]["rendered"] == c_report["counts"]["rendered"] == args.count
        assert d_report["counts"]["skipped"] == args.count
        if floor is not None:
            a2, a2_cpu = floor()
            print(f"a  floor      {a2:8.1f} s   {a2 / args.count * 1000:7.1f} ms per plan   CPU {a2_cpu:7.1f} s"
                  "   (again)", flush=True)

        print()
        if floor is not None:
            a, a_cpu = (a1 + a2) / 2, (a1_cpu + a2_cpu) / 2
            print(f"b/a = {b / a:.3f}   (goal <= 1.10; CPU time b/a = {b_cpu / a_cpu:.3f})")
        print(f"b/c = {b / c:.2f}    (goal >= {0.9 * cores:.2f}: 0.9 x {cores} cores)")
        print(f"d/c = {d / c:.3f}   (goal <= 0.05)")
        memory = peaks(b_report) + peaks(c_report)
        print(f"peak memory per worker, {args.count} intakes: {', '.join(f'{m:.0f}' for m in memory)} MB "
              f"(goal < 200)")

        if args.memory_scale:
            big = work / "big"
            write_synthetic(big, args.memory_scale)
            e, _, e_report = timed_batch(command, big, work / "e", work / "e.json")
            large = peaks(e_report)
            small = max(peaks(c_report))
            print(f"peak memory per worker, {args.memory_scale} intakes: {', '.join(f'{m:.0f}' for m in large)} MB "
                  f"in {e:.0f} s; largest / largest at {args.count} = {max(large) / small:.2f} (flat: <= 1.10)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

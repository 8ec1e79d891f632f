"""A practice's templates are untrusted (a shared or downloaded folder): they get plain data and a strict sandbox.

Each hostile template must fail with one clear line naming the file, leave no PDF, and never print what it
reached for; a benign override must keep working.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from careplan import templating
from careplan.cli import cli
from careplan.cli.options import NO_PRACTICE_NOTICE
from careplan.errors import TemplateError
from careplan.mail.message import render_bodies
from careplan.practice import Practice
from tests.conftest import BASE_INTAKE, EXAMPLES

EXAMPLE = EXAMPLES[0]
SECRET = "the-words-in-a-file-outside"  # noqa: S105 - not a password: text a template must not reach


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def practice_folder(tmp_path: Path, templates: dict[str, str]) -> Path:
    """A practice file whose template folder holds ``templates`` (file name -> text)."""
    folder = tmp_path / "my-templates"
    folder.mkdir(exist_ok=True)
    for name, text in templates.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = tmp_path / "practice.toml"
    settings.write_text(f'name = "Riverside Lactation"\ntemplates = "{folder}"\n', encoding="utf-8")
    return settings


def render(tmp_path: Path, settings: Path) -> tuple[int, str, Path]:
    intake = tmp_path / "intake.json"
    import json

    intake.write_text(json.dumps(BASE_INTAKE), encoding="utf-8")
    pdf = tmp_path / "plan.pdf"
    result = CliRunner().invoke(cli, ["render", str(intake), "-o", str(pdf), "--practice", str(settings)])
    return result.exit_code, result.output, pdf


ESCAPES = {
    "a path's methods": "{{ practice.templates.joinpath('%s').read_text() }}",
    "the logo's path": "{{ practice.logo.parent.parent }}",
    "a bound method's object": "{{ doc.cite.__self__.practice }}",
    "a function's globals": "{{ doc.span.__globals__ }}",
    "the plan model's methods": "{{ plan.model_dump_json() }}",
    "a class and its subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "str.format on an object": "{{ '{0.__class__}'.format(plan) }}",
    "mail settings": "{{ practice.smtp.password_env }}",
    "a division by zero": "{{ 1/0 }}",
    "a huge range": "{% for i in range(10**8) %}{{ i }}{% endfor %}",
    "iterating a number": "{% for i in 5 %}{% endfor %}",
}


@pytest.mark.parametrize("text", list(ESCAPES.values()), ids=list(ESCAPES))
def test_a_hostile_template_fails_in_one_line_and_reaches_nothing(tmp_path: Path, secret: Path, text: str) -> None:
    hostile = text.replace("%s", str(secret))
    settings = practice_folder(tmp_path, {"_cover.html": f"<section>{hostile}</section>\n"})
    code, output, pdf = render(tmp_path, settings)
    assert code == 1, output
    assert "Traceback" not in output and SECRET not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert not pdf.exists()


def test_the_error_names_the_file_and_line(tmp_path: Path) -> None:
    settings = practice_folder(tmp_path, {"_cover.html": "<section>\n<p>ok</p>\n{{ 1/0 }}\n</section>\n"})
    code, output, _ = render(tmp_path, settings)
    assert code == 1
    assert output.strip() == f"{tmp_path / 'my-templates' / '_cover.html'}: line 3: ZeroDivisionError while rendering"


def test_a_template_that_runs_for_ever_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templating, "RENDER_SECONDS", 1)
    loop = "{% for i in range(90000) %}{% for j in range(90000) %}{% endfor %}{% endfor %}"
    settings = practice_folder(tmp_path, {"_cover.html": f"<section>{loop}</section>\n"})
    code, output, pdf = render(tmp_path, settings)
    assert code == 1
    assert "took longer than 1 s to render; stopped" in output and not pdf.exists()


def test_a_symbolic_link_in_the_template_folder_is_refused(tmp_path: Path, secret: Path) -> None:
    settings = practice_folder(tmp_path, {})
    (tmp_path / "my-templates" / "_cover.html").symlink_to(secret)
    code, output, pdf = render(tmp_path, settings)
    assert code == 1 and SECRET not in output and not pdf.exists()
    assert output.strip().endswith("_cover.html: a template must not be a symbolic link")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_in_the_template_folder_is_refused_without_hanging(tmp_path: Path) -> None:
    settings = practice_folder(tmp_path, {})
    os.mkfifo(tmp_path / "my-templates" / "_cover.html")
    code = (
        "import sys\n"
        "from careplan.cli import main\n"
        f"sys.argv = ['careplan', 'render', {str(EXAMPLE)!r},"
        f" '-o', {str(tmp_path / 'plan.pdf')!r}, '--practice', {str(settings)!r}]\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr.strip().endswith("_cover.html: a template must be a regular file")


@pytest.mark.slow  # renders a PDF
def test_a_benign_override_still_works(tmp_path: Path) -> None:
    cover = textwrap.dedent(
        """\
        <section class="cover"><h1>{{ practice.name }} for {{ plan.parent_name }}</h1>
        {% for baby in doc.babies %}<p>{{ baby.name }}</p>{% endfor %}
        <p>{{ doc.short_date(plan.consult_date) }} {{ doc.cite_ids(['LLL-RL']) }}</p></section>
        """
    )
    settings = practice_folder(tmp_path, {"_cover.html": cover})
    code, output, pdf = render(tmp_path, settings)
    assert code == 0, output
    assert pdf.exists()


def test_email_templates_get_plain_data_too(tmp_path: Path, secret: Path) -> None:
    folder = tmp_path / "mail-templates"
    folder.mkdir()
    (folder / "email.txt").write_text("{{ practice.templates.joinpath('" + str(secret) + "').read_text() }}", "utf-8")
    practice = Practice(name="Riverside Lactation", templates=folder)
    with pytest.raises(TemplateError) as caught:
        render_bodies(practice, encrypted=True)
    assert len(caught.value.lines) == 1 and SECRET not in caught.value.lines[0]


def render_names(tmp_path: Path, parent: str, baby: str) -> Any:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["parent"]["name"] = parent
    data["babies"][0]["name"] = baby
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return CliRunner().invoke(cli, ["render", str(intake), "-o", str(tmp_path / "plan.pdf")])


@pytest.mark.slow  # renders a PDF
def test_a_renderer_warning_never_spells_the_text_it_is_about(tmp_path: Path) -> None:
    """Practice text in a script careplan ships no font for (Ol Chiki here) prints as boxes; the warning says so
    without the text. (Intake text in such a script stops the render: tests/documents/test_scripts.py.)"""
    practice = tmp_path / "practice.toml"
    practice.write_text('name = "ᱥᱟᱱᱛᱟᱲᱤ Care"\n', encoding="utf-8")
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps(BASE_INTAKE), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["render", str(intake), "--practice", str(practice), "-o", str(tmp_path / "plan.pdf")]
    )
    assert result.exit_code == 0
    assert result.stderr.strip() == "warning: some characters have no font careplan ships, so they print as empty boxes"
    for char in "ᱥᱟᱱᱛᱲᱤ":
        assert char not in result.output and f"{ord(char):04X}" not in result.output


@pytest.mark.slow  # renders a PDF
def test_korean_names_have_a_font(tmp_path: Path) -> None:
    result = render_names(tmp_path, "김민지", "서연")
    assert result.exit_code == 0 and result.stderr == NO_PRACTICE_NOTICE + "\n"

"""The ``careplan`` command: the only package that imports click.

Each command parses its options, calls one library function and prints what it returns. Errors funnel through
one place: every :class:`~careplan.errors.CareplanError` is printed one line per problem on standard error and
exits with its :class:`~careplan.errors.ExitStatus`; never a traceback. Subcommands are imported only when they
run (or when their help is asked for), so ``careplan --help`` stays fast.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import click

from careplan._version import __version__
from careplan.errors import CareplanError, ExitStatus

#: command name -> "module:attribute" of its click command, loaded on first use.
COMMANDS = {
    "validate": "careplan.cli.intake:validate",
    "schema": "careplan.cli.intake:schema",
    "extract": "careplan.cli.intake:extract",
    "plan": "careplan.cli.plan:plan",
    "explain": "careplan.cli.plan:explain",
    "render": "careplan.cli.plan:render",
    "progress": "careplan.cli.plan:progress",
    "letter": "careplan.cli.letter:letter",
    "interview": "careplan.cli.interview:interview",
    "batch": "careplan.cli.batch:batch",
    "synthetic": "careplan.cli.batch:synthetic",
    "email": "careplan.cli.email:email",
    "practice": "careplan.cli.practice:practice",
    "library": "careplan.cli.practice:library",
}
#: One-line help for ``careplan --help``, so listing the commands imports none of them (a test checks each is the
#: command's own first sentence).
SHORT_HELP = {
    "validate": "Check intake files; print one line per problem.",
    "schema": "Print the intake's JSON Schema (or write it with -o).",
    "extract": "Print (or write) the intake JSON embedded in a plan PDF.",
    "plan": "Build the care plan for an intake and print it.",
    "explain": "Show why each item is in the plan (conditions, intake values, sources) and what was left out.",
    "render": "Render the care plan PDF for an intake.",
    "letter": "Write the letters to the family's clinicians: one PDF per recipient, only its requests.",
    "progress": "Render the progress summary and charts for an intake (growth on the WHO curves, milk, routine).",
    "interview": "Fill in an intake during the consult, one question at a time.",
    "batch": "Render the plans for many intakes: INPUT is intake files, folders of them, or globs.",
    "synthetic": "Write synthetic intakes (invented families, realistic variety) for tests, benchmarks and demos.",
    "email": "Email each intake's care plan to the parent, once, with consent.",
    "practice": "Work with practice files (branding and details).",
    "library": "Work with the strategy library.",
}


class _LazyGroup(click.Group):
    """Loads a subcommand's module only when it runs, and turns careplan's errors into clean messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[cmd_name].partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, SHORT_HELP[name]) for name in self.list_commands(ctx)])

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CareplanError as exc:
            try:  # the terminal may be gone (a closed interview window)
                for line in exc.lines:
                    click.echo(line, err=True)
            except OSError:
                pass
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(ExitStatus.INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            # A bug, not a problem with the input: never a traceback (it could quote health data), unless asked.
            if os.environ.get("CAREPLAN_DEBUG"):
                raise
            import traceback

            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{os.path.basename(frame.filename)}:{frame.lineno}"
            click.echo(
                f"careplan: internal error ({type(exc).__name__} at {where}); "
                "please report it. Set CAREPLAN_DEBUG=1 to see the details.",
                err=True,
            )
            ctx.exit(ExitStatus.PROBLEM)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="careplan")
def cli() -> None:
    """careplan: relactation care plans for lactation consultants.

    Intake (JSON) -> rules -> plan. Start with `careplan plan intake.json`.
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="careplan")

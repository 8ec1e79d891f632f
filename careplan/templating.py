"""The one Jinja environment careplan renders with: sandboxed, strict about undefined names, escaping HTML.

Templates are looked up in a practice's own folder first, then in the plan type's ``templates/`` (its partials),
then in careplan's shared ``templates/``. Practice templates are
untrusted: the sandbox refuses unsafe attribute access, and a broken template becomes a :class:`TemplateError`
that names the file and line, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careplan._resources import templates_dir
from careplan.errors import TemplateError

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment


Folders = Path | Sequence[Path | None] | None


def _folders(extra: Folders) -> tuple[Path, ...]:
    if extra is None:
        return ()
    if isinstance(extra, Path):
        return (extra,)
    return tuple(f for f in extra if f is not None)


def environment(extra: Folders = None) -> SandboxedEnvironment:
    """The sandboxed environment that reads the ``extra`` folders (a practice's, a plan type's), in order, before
    careplan's own."""
    return _environment(_folders(extra))


@cache  # forget() clears it
def _environment(extra: tuple[Path, ...]) -> SandboxedEnvironment:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    folders = [str(folder) for folder in extra]
    folders.append(str(templates_dir()))
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def forget() -> None:
    """Forget the compiled templates (a long-lived worker whose templates changed)."""
    _environment.cache_clear()


def render_template(
    name: str,
    context: Mapping[str, Any],
    *,
    extra: Folders = None,
    what: str = "template",
    error: type[TemplateError] = TemplateError,
) -> str:
    """Render template ``name`` with ``context``; any template problem is raised as ``error``, one line, naming
    ``what`` the template is for (for example "email template")."""
    import jinja2
    from jinja2.exceptions import SecurityError

    try:
        return environment(extra).get_template(name).render(context)
    except SecurityError as exc:
        raise error([f"{what}: not allowed in the sandbox: {exc}"]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise error([f"{exc.filename or exc.name}: line {exc.lineno}: {exc.message}"]) from None
    except jinja2.TemplateError as exc:
        raise error([f"{what}: {exc.message or type(exc).__name__}"]) from None

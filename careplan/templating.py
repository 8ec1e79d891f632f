"""The one Jinja environment careplan renders with: sandboxed, strict about undefined names, escaping HTML.

Templates are looked up in a practice's own folder first, then in the plan type's ``templates/`` (its partials),
then in careplan's shared ``templates/``. Practice templates are
untrusted: the sandbox refuses unsafe attribute access, and a broken template becomes a :class:`TemplateError`
that names the file and line, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from careplan._resources import templates_dir
from careplan.errors import TemplateError

if TYPE_CHECKING:
    from jinja2 import FileSystemLoader
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


class Record(SimpleNamespace):
    """Plain data with named fields for templates (a dict's keys would clash with its methods, `items` above all)."""


def plain(value: Any) -> Any:
    """``value`` as plain data for a template: mappings become :class:`Record`, sequences lists; scalars stay."""
    if isinstance(value, Mapping):
        return Record(**{str(key): plain(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


#: What a template may reach into: plain data only. careplan gives templates dicts, lists, strings, numbers and
#: dates (and a few functions of its own); any other object is opaque to them.
_PLAIN = (Record, dict, list, tuple, str, int, float, bool, type(None), date, datetime)


def _plain_sandbox() -> type[SandboxedEnvironment]:
    from jinja2.runtime import LoopContext
    from jinja2.sandbox import SandboxedEnvironment
    from jinja2.utils import Cycler, Joiner, Namespace
    from markupsafe import Markup

    jinja_own = (Markup, LoopContext, Namespace, Cycler, Joiner)  # what Jinja itself puts in a template's hands

    class PlainSandbox(SandboxedEnvironment):
        """Jinja's sandbox, stricter: attributes are read only from plain data, so nothing a template is given
        can lead it to a file, a model's methods or the interpreter (practice templates are untrusted)."""

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            if not isinstance(obj, (*_PLAIN, *jinja_own)):
                return False
            return bool(super().is_safe_attribute(obj, attr, value))

    return PlainSandbox


def _folder_loader() -> type[FileSystemLoader]:
    from jinja2 import FileSystemLoader, TemplateNotFound

    class FolderLoader(FileSystemLoader):
        """Reads a template only as a regular file inside its folder: never through a symbolic link, never from
        outside the folder, never a FIFO or a device, never more than MAX_TEMPLATE_BYTES."""

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
            for folder in self.searchpath:
                candidate = Path(folder, *template.split("/"))
                if not candidate.exists() and not candidate.is_symlink():
                    continue
                refuse = _refusal(Path(folder), candidate)
                if refuse:
                    raise TemplateError([f"{candidate}: {refuse}"])
                break
            else:
                raise TemplateNotFound(template)
            return super().get_source(environment, template)

    return FolderLoader


#: A template is a few kilobytes; a larger file is refused before it is read.
MAX_TEMPLATE_BYTES = 512 * 1024


def _refusal(folder: Path, candidate: Path) -> str | None:
    """Why a template file must not be read, or None."""
    import stat

    if candidate.is_symlink() or any(parent.is_symlink() for parent in candidate.parents if folder in parent.parents):
        return "a template must not be a symbolic link"
    if not candidate.resolve().is_relative_to(folder.resolve()):
        return "a template must be inside its folder"
    info = candidate.stat()
    if not stat.S_ISREG(info.st_mode):
        return "a template must be a regular file"
    if info.st_size > MAX_TEMPLATE_BYTES:
        return f"a template must be under {MAX_TEMPLATE_BYTES // 1024} KB"
    return None


@cache  # forget() clears it
def _environment(extra: tuple[Path, ...]) -> SandboxedEnvironment:
    import jinja2

    folders = [str(folder) for folder in extra]
    folders.append(str(templates_dir()))
    return _plain_sandbox()(
        loader=_folder_loader()(folders),
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
        with _time_limit(RENDER_SECONDS):
            return environment(extra).get_template(name).render(context)
    except _TooSlow:
        raise error([f"{what} {name}: took longer than {RENDER_SECONDS} s to render; stopped"]) from None
    except TemplateError as exc:  # careplan's own, from the loader: already one line naming the file
        raise error(exc.lines) from None
    except SecurityError as exc:
        raise error([f"{what}: not allowed in the sandbox: {exc}"]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise error([f"{exc.filename or exc.name}: line {exc.lineno}: {exc.message}"]) from None
    except jinja2.TemplateError as exc:
        raise error([f"{what}: {exc.message or type(exc).__name__}"]) from None
    except Exception as exc:  # 1/0, a loop over a number, range() past the limit ...: the template's fault
        raise error([f"{_where(exc, what)}: {type(exc).__name__} while rendering"]) from None


#: How deep, and how many templates, ``practice check`` looks at in a practice's folder.
CHECK_DEPTH, CHECK_FILES = 3, 200


def check_folder(folder: Path) -> list[str]:
    """Compile every template (``.html``, ``.txt``) in a practice's folder, as a render would load it: one line per
    problem, naming the file (a syntax error, a symbolic link, a file too large or not a regular file)."""
    import os

    import jinja2

    problems: list[str] = []
    env = environment(folder)
    names: list[str] = []
    for root, dirs, files in os.walk(folder):  # symbolic links to folders are not followed
        if len(Path(root).relative_to(folder).parts) >= CHECK_DEPTH:
            dirs.clear()
        here = Path(root).relative_to(folder)
        names += [(here / f).as_posix() for f in sorted(files) if f.endswith((".html", ".txt"))]
        if len(names) > CHECK_FILES:
            return [f"{folder}: more than {CHECK_FILES} templates; a practice's template folder holds a few"]
    for name in names:
        try:
            env.get_template(name)
        except TemplateError as exc:
            problems.extend(exc.lines)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(f"{exc.filename or name}: line {exc.lineno}: {exc.message}")
        except (jinja2.TemplateError, OSError, UnicodeDecodeError) as exc:
            problems.append(f"{folder / name}: cannot be loaded ({type(exc).__name__})")
    return problems


#: A plan's HTML renders in well under a second; a template still running after this is stopped.
RENDER_SECONDS = 10


class _TooSlow(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the render after ``seconds`` (a template looping for ever): a timer signal, so only in the main
    thread; a render in another thread (the interview's drafts) runs without one."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc: BaseException, what: str) -> str:
    """The template file and line an error came from (Jinja puts template frames in the traceback)."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".txt"))]
    return f"{frames[-1].filename}: line {frames[-1].lineno}" if frames else what

"""careplan's own cache folder (not health data): what is slow to build and the same in every process.

It lives in ``$CAREPLAN_CACHE``, else ``$XDG_CACHE_HOME/careplan``, else ``~/.cache/careplan``; set
``CAREPLAN_CACHE=off`` to use none. Every entry is keyed by what it was built from, so a stale entry is never read
as current; an entry that cannot be read or written is ignored (the work is then done as if there were no cache).

What is kept:

* **rule-engine's parser tables.** rule-engine builds its LALR tables with PLY each time it is imported (about a
  quarter of a second) and never writes them. PLY reads tables from the module ``rule_engine.parser.parsetab``
  when that module exists and its grammar signature matches, so :func:`install_parser_tables` puts a module of
  that name, made from the cached tables, in ``sys.modules`` before rule-engine is imported; after the import,
  :func:`save_parser_tables` keeps the tables PLY built. A signature that does not match makes PLY build the
  tables again, as it would with no cache.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import types
from pathlib import Path
from typing import Any

TABLES_MODULE = "rule_engine.parser.parsetab"


def cache_folder() -> Path | None:
    """The cache folder, or None when caching is off."""
    configured = os.environ.get("CAREPLAN_CACHE")
    if configured == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "careplan"


def read(name: str) -> Any | None:
    """The cached object called ``name``, or None."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        with (folder / name).open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - careplan's own files, in the user's own folder (0700)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        return None


def write(name: str, value: Any) -> None:
    """Keep ``value`` as ``name``; a failure to write is ignored."""
    folder = cache_folder()
    if folder is None:
        return
    from careplan._io import write_private

    with contextlib.suppress(OSError, pickle.PickleError, TypeError, AttributeError):
        write_private(folder / name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _tables_name() -> str:
    from importlib.metadata import version

    return f"rule-engine-{version('rule-engine')}-parser-tables.pickle"


def install_parser_tables() -> bool:
    """Before rule-engine is imported: offer PLY the cached tables. True when there were some."""
    if "rule_engine" in sys.modules or TABLES_MODULE in sys.modules:
        return False
    tables = read(_tables_name())
    if not isinstance(tables, dict):
        return False
    module = types.ModuleType(TABLES_MODULE)
    for key, value in tables.items():
        setattr(module, key, value)
    sys.modules[TABLES_MODULE] = module
    return True


def save_parser_tables() -> None:
    """After rule-engine is imported with tables PLY built itself: keep them for the next process."""
    if TABLES_MODULE in sys.modules or cache_folder() is None:
        return
    try:
        from rule_engine._vendor.ply import yacc
        from rule_engine.engine.rule import Rule

        parser = Rule.parser
        lr = parser._parser
        # The grammar's signature, worked out as PLY does for `yacc.yacc(module=parser)`.
        pdict = {name: getattr(parser, name) for name in dir(parser)}
        pdict.setdefault("__file__", sys.modules[pdict["__module__"]].__file__)
        pdict.setdefault("__package__", sys.modules[pdict["__module__"]].__package__)
        reflect = yacc.ParserReflect(pdict, log=yacc.NullLogger())
        reflect.get_all()
        tables = {
            "_tabversion": yacc.__tabversion__,
            "_lr_method": "LALR",
            "_lr_signature": reflect.signature(),
            "_lr_action": lr.action,
            "_lr_goto": lr.goto,
            "_lr_productions": [
                (p.str, p.name, p.len, p.func, os.path.basename(p.file or ""), p.line) for p in lr.productions
            ],
        }
    except Exception:
        return
    write(_tables_name(), tables)

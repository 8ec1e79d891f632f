"""The strategy library's expression language: rule-engine, typed from the intake model.

Expressions in the library are `rule-engine <https://zerosteiner.github.io/rule-engine/>`_ expressions such as
``baby.age_weeks >= 13`` or ``'peanut' in health.allergy_list``. Their symbols are the parts of the intake
(``consult``, ``parent``, ``babies``, ``lactation``, ``health``, ``situation``, ``goals``, ``consent``,
``progress``) plus ``baby``, the baby the rule is being evaluated for. Every field and every computed property of
the Pydantic models is visible, with its type, so a misspelt name or a type mismatch fails when the library loads,
not during a consult. Values that may be unknown are nullable: rule-engine refuses to compare them until the
expression says what unknown means, e.g. ``(baby.wet_diapers_24h ?? 0) < 6``.

While an expression is evaluated, every attribute it reads is recorded with its value; that record is the trace
that explains why a plan item was chosen.
"""

from __future__ import annotations

import contextvars
import datetime
import inspect
import types
import typing
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from careplan import _cache

_TABLES_CACHED = _cache.install_parser_tables()  # before rule-engine builds its parser (see careplan._cache)
import rule_engine  # noqa: E402
from rule_engine import DataType  # noqa: E402

if not _TABLES_CACHED:
    _cache.save_parser_tables()

from careplan.intake import Baby, Intake  # noqa: E402
from careplan.rules.parameters import Parameters  # noqa: E402

#: The root symbols an expression may use, and the model each one is.
ROOT_SYMBOLS: dict[str, Any] = {
    name: field.annotation for name, field in Intake.model_fields.items() if name not in ("schema_version",)
}
ROOT_SYMBOLS["baby"] = Baby
ROOT_SYMBOLS["parameters"] = Parameters

_recording: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("_recording", default=None)
_paths: contextvars.ContextVar[dict[int, str] | None] = contextvars.ContextVar("_paths", default=None)
_used_roots: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("_used_roots", default=None)


def _plain(value: Any) -> Any:
    """A value as rule-engine wants it (dates become datetimes) and as a trace shows it."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.UTC)
    return value


def _trace_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return f"<{type(value).__name__}>"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, list):
        return [_trace_value(v) for v in value]
    return value


def _remember(path: str, value: Any) -> None:
    record = _recording.get()
    if record is None:
        return
    if isinstance(value, BaseModel):
        paths = _paths.get()
        if paths is not None:
            paths[id(value)] = path
        return
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        paths = _paths.get()
        if paths is not None:
            for index, item in enumerate(value):
                paths[id(item)] = f"{path}[{index}]"
        return
    record[path] = _trace_value(value)


def _accessor(obj: Any, name: str) -> Any:
    value = _plain(getattr(obj, name))
    paths = _paths.get()
    prefix = paths.get(id(obj), type(obj).__name__.lower()) if paths is not None else ""
    _remember(f"{prefix}.{name}", value)
    return value


def _resolver(scope: dict[str, Any], name: str) -> Any:
    value = _plain(scope[name])
    _remember(name, value)
    return value


class _TypeBuilder:
    """Maps Pydantic models (fields and read-only properties) to rule-engine OBJECT types."""

    def __init__(self) -> None:
        self.objects: dict[type[BaseModel], Any] = {}
        self.choices: dict[str, tuple[str, ...]] = {}

    def for_annotation(self, annotation: Any, path: str) -> Any:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            return self.for_annotation(args[0], path)
        if origin in (typing.Union, types.UnionType):
            inner = [a for a in args if a is not type(None)]
            if len(inner) == 1:
                return DataType.NULLABLE(self.for_annotation(inner[0], path))
            return DataType.STRING  # e.g. EmailStr's internal union
        if origin is typing.Literal:
            self.choices[path] = tuple(str(a) for a in args)
            return DataType.STRING
        if origin is list:
            return DataType.ARRAY(self.for_annotation(args[0], path + "[]"))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self.for_model(annotation, path)
        if annotation in (int, float):
            return DataType.FLOAT
        if annotation is bool:
            return DataType.BOOLEAN
        if annotation in (datetime.date, datetime.datetime):
            return DataType.DATETIME
        if annotation is str or (isinstance(annotation, type) and issubclass(annotation, str)):
            return DataType.STRING
        return DataType.STRING  # EmailStr and other string-like annotated types

    def for_model(self, model: type[BaseModel], path: str) -> Any:
        attributes: dict[str, Any] = {}
        for name, field in model.model_fields.items():
            attributes[name] = self.for_annotation(field.annotation, f"{path}.{name}")
        own = {
            n: m
            for cls in reversed(model.__mro__)
            if issubclass(cls, BaseModel) and cls is not BaseModel
            for n, m in vars(cls).items()
        }
        for name, member in own.items():
            if name.startswith("_") or not isinstance(member, property) or member.fget is None:
                continue
            hints = typing.get_type_hints(member.fget, globalns=vars(inspect.getmodule(model)))
            if "return" in hints:
                attributes[name] = self.for_annotation(hints["return"], f"{path}.{name}")
        return DataType.OBJECT(model.__name__, attributes=attributes, accessor=_accessor)


@dataclass(frozen=True)
class TypeInfo:
    """The types of every symbol, and the allowed values of every choice field (by dotted path)."""

    symbols: dict[str, Any]
    choices: dict[str, tuple[str, ...]]


def _build_types() -> TypeInfo:
    builder = _TypeBuilder()
    symbols = {name: builder.for_annotation(annotation, name) for name, annotation in ROOT_SYMBOLS.items()}
    return TypeInfo(symbols=symbols, choices=builder.choices)


TYPES = _build_types()


def _type_resolver(name: str) -> Any:
    used = _used_roots.get()
    if used is not None:
        used.add(name)
    try:
        return TYPES.symbols[name]
    except KeyError:
        raise rule_engine.errors.SymbolResolutionError(name) from None


#: The language `$words` joins lists in while a plan is built (the engine sets it; English otherwise).
LIST_LANGUAGE: ContextVar[str] = ContextVar("careplan_list_language", default="en")


def words(items: list[str] | tuple[str, ...]) -> str:
    """A list as words a person reads: "a", "a and b", "a, b and c"; in another language, Babel's list pattern
    for it ("a, b y c")."""
    names = [str(item) for item in items]
    if len(names) < 2:
        return "".join(names)
    language = LIST_LANGUAGE.get()
    if language != "en":
        return join_list(names, language)
    return ", ".join(names[:-1]) + " and " + names[-1]


def join_list(names: list[str], language: str) -> str:
    """``names`` joined as a sentence in ``language`` ("a, b and c"; Spanish "a, b y c", "Mia e Isabel")."""
    from careplan.language.lists import join_words

    return join_words(names, language)


class _Context(rule_engine.Context):  # type: ignore[misc]
    """careplan's one rule-engine context. A compiled library is cached with pickle (careplan._cache): every
    reference to the context is stored as a reference to this module's CONTEXT, so a library read back from the
    cache evaluates with the live context (its `$words` builtin and resolvers) rather than a partial copy."""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (_context, ())


def _context() -> _Context:
    return CONTEXT


CONTEXT = _Context(type_resolver=_type_resolver, resolver=_resolver)
# `$words(list)` joins a list of strings for a sentence, so a text can name medicines or herbs.
CONTEXT.builtins = rule_engine.builtins.Builtins.from_defaults(
    values={"words": words},
    value_types={
        "words": DataType.FUNCTION(
            "words", return_type=DataType.STRING, argument_types=(DataType.ARRAY(DataType.STRING),)
        )
    },
)


class ExpressionError(Exception):
    """An expression that does not parse or does not type-check against the intake model."""


@dataclass(frozen=True)
class Compiled:
    """A compiled expression and the root symbols it reads."""

    source: str
    rule: Any
    roots: frozenset[str]

    @property
    def result_type(self) -> str:
        """The rule-engine type name of the value: BOOLEAN, FLOAT, STRING, SET, ARRAY, ..."""
        return str(self.rule.statement.expression.result_type.name)

    def evaluate(self, scope: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Evaluate against ``scope`` (root symbol -> value); return the value and the values it read."""
        record: dict[str, Any] = {}
        token_r = _recording.set(record)
        token_p = _paths.set({})
        try:
            value = self.rule.evaluate(scope)
        finally:
            _recording.reset(token_r)
            _paths.reset(token_p)
        return _trace_value(value), record


def _describe(exc: Exception) -> str:
    if isinstance(exc, rule_engine.errors.SymbolResolutionError):
        return f"unknown name '{exc.symbol_name}'" + (f" (did you mean '{exc.suggestion}'?)" if exc.suggestion else "")
    if isinstance(exc, rule_engine.errors.AttributeResolutionError):
        hint = f" (did you mean '{exc.suggestion}'?)" if getattr(exc, "suggestion", None) else ""
        return f"unknown field '{exc.attribute_name}'{hint}"
    if isinstance(exc, rule_engine.errors.RuleSyntaxError):
        return f"syntax error: {exc.message}"
    message = getattr(exc, "message", None) or str(exc)
    return message


def compile_expression(source: str) -> Compiled:
    """Parse and type-check one expression; raise :class:`ExpressionError` with a plain message."""
    used: set[str] = set()
    token = _used_roots.set(used)
    try:
        rule = rule_engine.Rule(source, context=CONTEXT)
    except rule_engine.errors.EngineError as exc:
        raise ExpressionError(_describe(exc)) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise ExpressionError(_describe(exc)) from None
    finally:
        _used_roots.reset(token)
    _check_choice_literals(rule.statement.expression)
    return Compiled(source=source, rule=rule, roots=frozenset(used))


def _attribute_path(node: Any) -> str | None:
    """The dotted model path of an attribute node, e.g. ``baby.feeding.methods``; None for other nodes."""
    from rule_engine import ast

    parts: list[str] = []
    while isinstance(node, ast.GetAttributeExpression):
        parts.append(node.name)
        node = node.object
    if isinstance(node, ast.SymbolExpression):
        parts.append(node.name)
        return ".".join(reversed(parts))
    return None


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an expression tree, the node itself first."""
    yield node
    slots = [slot for cls in type(node).__mro__ for slot in getattr(cls, "__slots__", ())]
    for slot in slots:
        child = getattr(node, slot, None)
        children = child if isinstance(child, tuple | list) else (child,)
        for item in children:
            if isinstance(item, rule_engine.ast.ExpressionBase):
                yield from _walk(item)


def _string_values(node: Any) -> list[str]:
    from rule_engine import ast

    if isinstance(node, ast.StringExpression):
        return [node.value]
    if isinstance(node, ast.ArrayExpression | ast.SetExpression):
        return [v.value for v in node.value if isinstance(v, ast.StringExpression)]
    return []


def _check_choice_literals(root: Any) -> None:
    """A string compared with a choice field must be one of its choices: ``smokes == 'yess'`` is an error."""
    from rule_engine import ast

    checks: list[tuple[str | None, list[str]]] = []
    for node in _walk(root):
        if isinstance(node, ast.ComparisonExpression):
            checks.append((_choice_path(node.left), _string_values(node.right)))
            checks.append((_choice_path(node.right), _string_values(node.left)))
        elif isinstance(node, ast.ContainsExpression):
            container = node.container
            if isinstance(container, ast.CoalesceExpression):
                container = container.left
            path = _choice_path(container, element=True)
            checks.append((path, _string_values(node.member)))
            checks.append((_choice_path(node.member), _string_values(node.container)))
        elif isinstance(node, ast.BinaryExpressionBase) and node.type in ("bwand", "bwor", "bwxor", "sub"):
            for this, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(this, ast.GetAttributeExpression) and this.name == "to_set":
                    checks.append((_choice_path(this.object, element=True), _string_values(other)))
    for path, values in checks:
        if path is None:
            continue
        allowed = TYPES.choices[path]
        for value in values:
            if value not in allowed:
                raise ExpressionError(
                    f"'{value}' is not a possible value of {path.removesuffix('[]')}; "
                    f"it is one of: {', '.join(allowed)}"
                )


def _choice_path(node: Any, element: bool = False) -> str | None:
    path = _attribute_path(node)
    if path is None:
        return None
    key = path + "[]" if element else path
    return key if key in TYPES.choices else None

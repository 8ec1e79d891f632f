"""The intake model's fields as the form sees them: their kinds (select, date, int...), choices, limits and paths."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from careplan.errors import submodel
from careplan.intake import Intake

MAX_ITEMS = 50  # for lists the model does not cap
Kind = Literal["select", "checkbox", "confirm", "date", "int", "float", "text"]



def unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` (and whether it was optional), without any ``Annotated`` constraints (a
    bounded date such as ``CareDate | None`` is still a date)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return _bare(args[0]), True
    return _bare(annotation), False


def _bare(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def literal_values(annotation: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)
    return None


def list_item(annotation: Any) -> Any | None:
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    return None


def field_adapter(info: FieldInfo) -> TypeAdapter[Any]:
    annotation: Any = info.annotation
    if info.metadata:
        return TypeAdapter(Annotated[(annotation, *info.metadata)])
    return TypeAdapter(annotation)


def field_kind(annotation: Any) -> tuple[Kind, tuple[Any, ...]] | None:
    base, _ = unwrap_optional(annotation)
    values = literal_values(base)
    if values is not None:
        return "select", values
    item = list_item(base)
    if item is not None:
        values = literal_values(item)
        return ("checkbox", values) if values is not None else None
    if base is bool:
        return "confirm", ()
    if base is date:
        return "date", ()
    if base is int:
        return "int", ()
    if base is float:
        return "float", ()
    if isinstance(base, type) and issubclass(base, BaseModel):
        return None
    return "text", ()


def resolve(model: type[BaseModel], parts: tuple[str, ...]) -> tuple[type[BaseModel], FieldInfo]:
    """The model owning the last part of a dotted path, and that field; KeyError when a part is not a field."""
    current = model
    for index, part in enumerate(parts):
        info = current.model_fields.get(part)
        if info is None:
            raise KeyError(part)
        if index == len(parts) - 1:
            return current, info
        sub = submodel(info.annotation)
        if sub is None or list_item(unwrap_optional(info.annotation)[0]) is not None:
            raise KeyError(part)
        current = sub
    raise KeyError("")


def length_limits(info: FieldInfo) -> tuple[int, int]:
    low, high = 0, MAX_ITEMS
    for meta in info.metadata:
        low = getattr(meta, "min_length", None) or low
        high = getattr(meta, "max_length", None) or high
    return low, high


def resolve_through_lists(model: type[BaseModel], parts: tuple[str, ...]) -> FieldInfo:
    current = model
    info: FieldInfo | None = None
    for part in parts:
        info = current.model_fields[part]
        sub = submodel(info.annotation)
        if sub is not None:
            current = sub
    if info is None:
        raise KeyError("")
    return info


@cache
def all_field_paths() -> frozenset[tuple[str, ...]]:
    return frozenset(path for path, _ in model_fields(Intake))


def model_fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], FieldInfo]]:
    """Every field path of a model, through sub-models and lists of items (indexes left out)."""
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        yield path, info
        sub = submodel(info.annotation)
        if sub is not None:
            yield from model_fields(sub, path)


class _Missing:
    """The value of a question not answered yet (None is an answer: "not known")."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

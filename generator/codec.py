"""The explicit codecs of the incident records kept in the cache folder: nothing in a file
can make anything but statuspress's own model types and plain values, and no code is run.

`Codec`: JSON in which every value JSON has no form for is an object with one key, its tag,
naming what to make of the tag's body:

    {"(": [...]}  a tuple        {"[": [...]}  a list         {"f": [...]}  a frozenset
    {"{": [key, value, key, value, ...]}  a dict (of any keys)
    {"b": "base64"}  bytes       {"D": "2026-11-20"}  a date
    {"T": "2026-11-20T14:05:00+00:00"}  a datetime; {"T+": [naive, zone, fold]} when its
    zone is a named one; {"t": ...} and {"t+": ...} a time, alike
    {"td": [days, seconds, microseconds]}  a timedelta; {"z": [timedelta, name]} a timezone
    {"Update": [values of its fields, in order]}  a registered dataclass
    {"Impact": "major"}  a registered enum's member, by value

Strings, numbers, true, false and null are JSON's own; a JSON array is only ever a tag's
body. Decoding is a single pass of the C JSON parser, whose object hook makes each value
from its parts, already made: a registered dataclass gets its fields as its own `__dict__`,
as a copy would, without running any of its code. A tag not in this list or in the
registry, or a body of the wrong shape, is a CodecError.

`frame`/`unframe`: byte strings, most of them rendered pages, as a count, their lengths and
their bytes one after another: no copy of a page is decoded but its own slice.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import sys
from array import array
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum
from typing import Any


class CodecError(ValueError):
    """Data this codec did not write: an unknown tag, a body of the wrong shape, bad JSON."""


_Builder = Callable[[Any], Any]
_Encoder = Callable[[Any], Any]


class Codec:
    """Values made of `types` (frozen dataclasses and enums) and plain values, as JSON."""

    def __init__(self, types: Iterable[type]) -> None:
        self.builders: dict[str, _Builder] = dict(_PLAIN_BUILDERS)
        self.encoders: dict[type, _Encoder] = {
            tuple: self._tuple,
            list: self._list,
            frozenset: self._frozenset,
            dict: self._dict,
            bytes: _bytes,
            datetime: _datetime,
            date: _date,
            time: _time,
            timedelta: _timedelta,
            timezone: _timezone,
        }
        for kind in types:
            self._register(kind)

    def _register(self, kind: type) -> None:
        tag = kind.__name__
        if tag in self.builders:
            raise TypeError(f"two types tagged {tag!r} in one codec")
        if issubclass(kind, Enum):
            self.builders[tag] = _member_builder(kind)
            self.encoders[kind] = _member_encoder(tag)
        elif dataclasses.is_dataclass(kind) and "__dict__" in dir(kind):
            names = tuple(f.name for f in dataclasses.fields(kind))
            self.builders[tag] = _dataclass_builder(kind, names)
            self.encoders[kind] = self._dataclass_encoder(tag, names)
        else:
            raise TypeError(f"{kind.__qualname__} is no enum or dataclass with a __dict__")

    def dumps(self, value: Any) -> bytes:
        """`value` as UTF-8 JSON; CodecError when it holds a type this codec does not know."""
        text = json.dumps(self.encode(value), ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass")

    def loads(self, data: bytes) -> Any:
        """The value `dumps` made of `data`; CodecError for anything else."""
        try:
            return json.loads(data, object_hook=self._build)
        except CodecError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as exc:
            raise CodecError(f"not a record: {exc}") from None

    def _build(self, tagged: dict[str, Any]) -> Any:
        if len(tagged) != 1:
            raise CodecError("an object that is no tagged value")
        ((tag, body),) = tagged.items()
        builder = self.builders.get(tag)
        if builder is None:
            raise CodecError(f"unknown tag {tag!r}")
        return builder(body)

    def encode(self, value: Any) -> Any:
        """`value` as what `json.dumps` takes, every tagged value a one-key dict."""
        kind = type(value)
        if kind is str or kind is int or kind is float or kind is bool or value is None:
            return value
        encoder = self.encoders.get(kind)
        if encoder is None:
            raise CodecError(f"{kind.__qualname__} is not allowed in a record")
        return encoder(value)

    def _tuple(self, value: tuple[Any, ...]) -> Any:
        return {"(": [self.encode(item) for item in value]}

    def _list(self, value: list[Any]) -> Any:
        return {"[": [self.encode(item) for item in value]}

    def _frozenset(self, value: frozenset[Any]) -> Any:
        return {"f": [self.encode(item) for item in value]}

    def _dict(self, value: dict[Any, Any]) -> Any:
        encode = self.encode
        return {
            "{": [part for pair in value.items() for part in (encode(pair[0]), encode(pair[1]))]
        }

    def _dataclass_encoder(self, tag: str, names: tuple[str, ...]) -> _Encoder:
        def encoder(value: Any) -> Any:
            return {tag: [self.encode(getattr(value, name)) for name in names]}

        return encoder


def _list_body(body: Any) -> list[Any]:
    if type(body) is not list:
        raise CodecError("a tagged value whose body is no list")
    return body


def _str_body(body: Any) -> str:
    if type(body) is not str:
        raise CodecError("a tagged value whose body is no string")
    return body


def _dict_of(body: Any) -> dict[Any, Any]:
    parts = _list_body(body)
    if len(parts) % 2:
        raise CodecError("a dict with a key and no value")
    items = iter(parts)
    return dict(zip(items, items, strict=True))


def _datetime_of(body: Any) -> datetime:
    naive, zone, fold = _zoned(body)
    return datetime.fromisoformat(naive).replace(tzinfo=zone, fold=fold)


def _time_of(body: Any) -> time:
    naive, zone, fold = _zoned(body)
    return time.fromisoformat(naive).replace(tzinfo=zone, fold=fold)


def _zoned(body: Any) -> tuple[str, timezone | None, int]:
    naive, zone, fold = _list_body(body)
    if type(naive) is not str or (zone is not None and type(zone) is not timezone):
        raise CodecError("a time with no zone")
    if fold not in (0, 1) or type(fold) is not int:
        raise CodecError("a time with a fold of neither 0 nor 1")
    return naive, zone, fold


def _timedelta_of(body: Any) -> timedelta:
    days, seconds, microseconds = _list_body(body)
    if not all(type(part) is int for part in (days, seconds, microseconds)):
        raise CodecError("a timedelta of other than whole numbers")
    return timedelta(days, seconds, microseconds)


def _timezone_of(body: Any) -> timezone:
    offset, name = _list_body(body)
    if type(offset) is not timedelta:
        raise CodecError("a timezone with no offset")
    return timezone(offset) if name is None else timezone(offset, _str_body(name))


_PLAIN_BUILDERS: dict[str, _Builder] = {
    "(": lambda body: tuple(_list_body(body)),
    "[": _list_body,
    "f": lambda body: frozenset(_list_body(body)),
    "{": _dict_of,
    "b": lambda body: base64.b64decode(_str_body(body), validate=True),
    "D": lambda body: date.fromisoformat(_str_body(body)),
    "T": lambda body: datetime.fromisoformat(_str_body(body)),
    "T+": _datetime_of,
    "t": lambda body: time.fromisoformat(_str_body(body)),
    "t+": _time_of,
    "td": _timedelta_of,
    "z": _timezone_of,
}


def _member_builder(kind: type[Enum]) -> _Builder:
    members = kind._value2member_map_

    def builder(body: Any) -> Enum:
        if type(body) not in (str, int):
            raise CodecError(f"no {kind.__name__} value")
        member = members.get(body)
        if member is None:
            raise CodecError(f"{body!r} is no {kind.__name__}")
        return member  # type: ignore[return-value]

    return builder


def _member_encoder(tag: str) -> _Encoder:
    return lambda member: {tag: member.value}


def _dataclass_builder(kind: type, names: tuple[str, ...]) -> _Builder:
    count = len(names)
    make = object.__new__

    def builder(body: Any) -> Any:
        if type(body) is not list or len(body) != count:
            raise CodecError(f"no {kind.__name__}: not its {count} fields")
        made = make(kind)
        made.__dict__.update(zip(names, body, strict=True))
        return made

    return builder


def _bytes(value: bytes) -> Any:
    return {"b": base64.b64encode(value).decode("ascii")}


def _date(value: date) -> Any:
    return {"D": value.isoformat()}


def _datetime(value: datetime) -> Any:
    if value.fold == 0 and _plain_zone(value.tzinfo):
        return {"T": value.isoformat()}
    return {"T+": [value.replace(tzinfo=None).isoformat(), _zone(value.tzinfo), value.fold]}


def _time(value: time) -> Any:
    if value.fold == 0 and _plain_zone(value.tzinfo):
        return {"t": value.isoformat()}
    return {"t+": [value.replace(tzinfo=None).isoformat(), _zone(value.tzinfo), value.fold]}


def _plain_zone(zone: tzinfo | None) -> bool:
    """No zone, or a fixed offset with no name of its own: what an ISO time says whole."""
    if zone is None or zone is timezone.utc:
        return True
    if type(zone) is not timezone:
        return False
    return zone.tzname(None) == timezone(zone.utcoffset(None)).tzname(None)


def _zone(zone: tzinfo | None) -> Any:
    if zone is None:
        return None
    if type(zone) is not timezone:
        raise CodecError(f"the time zone {zone!r} is not allowed in a record")
    return _timezone(zone)


def _timedelta(value: timedelta) -> Any:
    return {"td": [value.days, value.seconds, value.microseconds]}


def _timezone(value: timezone) -> Any:
    offset = value.utcoffset(None)
    name = value.tzname(None)
    plain = timezone(offset).tzname(None) == name
    return {"z": [_timedelta(offset), None if plain else name]}


_LENGTH = "I"  # unsigned, 32 bits on every platform statuspress runs on


def frame(parts: list[bytes]) -> bytes:
    """The byte strings as their count, their lengths and their bytes."""
    lengths = array(_LENGTH, (len(part) for part in parts))
    if sys.byteorder != "little":
        lengths.byteswap()
    return len(parts).to_bytes(4, "little") + lengths.tobytes() + b"".join(parts)


def unframe(data: bytes) -> list[bytes]:
    """The byte strings `frame` made `data` of; CodecError when it made no such thing."""
    count = int.from_bytes(data[:4], "little")
    lengths = array(_LENGTH)
    start = 4 + count * lengths.itemsize
    if len(data) < start:
        raise CodecError("cut short")
    lengths.frombytes(data[4:start])
    if sys.byteorder != "little":
        lengths.byteswap()
    if start + sum(lengths) != len(data):
        raise CodecError("cut short or too long")
    parts = []
    view = memoryview(data)
    for length in lengths:
        parts.append(bytes(view[start : start + length]))
        start += length
    return parts

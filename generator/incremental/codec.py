"""The explicit codecs of the incident records kept in the cache folder: nothing in a file
can make anything but statuspress's own model types and plain values, and no code is run.

`Codec`: JSON. A registered dataclass is `{"Update": [its fields' values, in order]}` and
each field is written as its annotation says, untagged: a datetime as its ISO text, an enum
member as its value, a tuple or frozenset as an array, a dict as an array of keys and values
in turn, bytes as base64, a nested dataclass tagged again. A value the annotation does not
pin down (`Any`, a union of several types) is tagged, an object with one key naming what to
make of its body:

    {"(": [...]}  a tuple        {"[": [...]}  a list         {"f": [...]}  a frozenset
    {"{": [key, value, key, value, ...]}  a dict (of any keys)
    {"b": "base64"}  bytes       {"D": "2026-11-20"}  a date
    {"T": "2026-11-20T14:05:00+00:00"}  a datetime; {"T+": [naive, zone, fold]} when its
    zone has a name of its own or its fold is 1; {"t": ...} and {"t+": ...} a time, alike
    {"td": [days, seconds, microseconds]}  a timedelta; {"z": [timedelta, name]} a timezone
    {"Impact": "major"}  a registered enum's member, by value

Decoding is one pass of the C JSON parser, whose object hook makes each tagged value from
its parts, already made: a dataclass's fields are checked against their annotations (by
type, in set operations) or read by them, then become its `__dict__`, as a copy would, with
none of its code run. A tag not in this list or the registry, a value of a type its field
does not allow, or a body of the wrong shape is a CodecError.

`frame`/`unframe`: byte strings, most of them rendered pages, as a count, their lengths and
their bytes one after another: a page is read as one slice, with nothing to unescape.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import operator
import sys
import types
import typing
from array import array
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import Enum
from typing import Any


class CodecError(ValueError):
    """Data this codec did not write: an unknown tag, a body of the wrong shape, bad JSON."""


_Builder = Callable[[Any], Any]
_Encoder = Callable[[Any], Any]


class Codec:
    """Values made of `types` (dataclasses and enums) and plain values, as JSON."""

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
        kinds = tuple(types)
        self.types = {kind.__name__: kind for kind in kinds}
        for kind in kinds:
            self._register(kind)

    def _register(self, kind: type) -> None:
        tag = kind.__name__
        if tag in self.builders:
            raise TypeError(f"two types tagged {tag!r} in one codec")
        if issubclass(kind, Enum):
            self.builders[tag] = _member_builder(kind)
            self.encoders[kind] = _member_encoder(tag)
        elif dataclasses.is_dataclass(kind) and "__dict__" in dir(kind):
            hints = typing.get_type_hints(kind)
            names = tuple(f.name for f in dataclasses.fields(kind))
            schemas = [self._schema(hints[name], f"{tag}.{name}") for name in names]
            self.builders[tag] = _dataclass_builder(kind, names, schemas)
            self.encoders[kind] = _dataclass_encoder(tag, names, schemas)
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
        if len(tagged) == 1:
            for tag, body in tagged.items():
                builder = self.builders.get(tag)
                if builder is None:
                    raise CodecError(f"unknown tag {tag!r}")
                return builder(body)
        raise CodecError("an object that is no tagged value")

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
        return {"f": [self.encode(item) for item in _in_order(value)]}

    def _dict(self, value: dict[Any, Any]) -> Any:
        encode = self.encode
        return {
            "{": [part for pair in value.items() for part in (encode(pair[0]), encode(pair[1]))]
        }

    def _schema(self, hint: Any, where: str) -> Schema:
        """How a dataclass field annotated `hint` is written and read: untagged where the
        annotation says what the value is, which is most of the speed of decoding."""
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if hint in _JSON_TYPES:
            return Schema(_checked((hint,), _same), (hint,))
        if hint is Any or hint is object:
            return Schema(self.encode, None)
        if origin in (types.UnionType, typing.Union):
            return self._union(args, where)
        if hint in (datetime, date, bytes):
            return _SCALARS[hint]
        if isinstance(hint, type) and issubclass(hint, Enum) and hint.__name__ in self.types:
            # A lookup made in C: an unknown or unhashable value raises, and `loads` says so.
            return Schema(_checked((hint,), _value), hint._value2member_map_.__getitem__)
        if (
            isinstance(hint, type)
            and dataclasses.is_dataclass(hint)
            and self.types.get(hint.__name__) is hint
        ):
            return Schema(_checked((hint,), self.encode), (hint,))  # tagged: the hook builds it
        if origin is tuple and args[1:] == (Ellipsis,):
            return _sequence(tuple, self._schema(args[0], where))
        if origin is frozenset and len(args) == 1:
            return _sequence(frozenset, self._schema(args[0], where))
        if origin in (dict, Mapping) and len(args) == 2:
            return _mapping(self._schema(args[0], where), self._schema(args[1], where))
        raise TypeError(f"{where}: the codec has no form for {hint!r}")

    def _union(self, args: tuple[Any, ...], where: str) -> Schema:
        others = [arg for arg in args if arg is not type(None)]
        if len(others) == 1:
            inner = self._schema(others[0], where)
            if isinstance(inner.read, tuple):
                allowed = (*inner.read, type(None))
                return Schema(_checked(allowed, self.encode), allowed)
            return Schema(_or_none(inner.write), _or_none(inner.read))
        if not all(self._known(arg) for arg in args):
            raise TypeError(f"{where}: the codec has no form for a union of {args!r}")
        # Tagged where need be, then checked: each member is a plain value or a tagged one.
        return Schema(_checked(args, self.encode), args)

    def _known(self, kind: Any) -> bool:
        """A class whose values are JSON's own or tagged."""
        return isinstance(kind, type) and (
            kind in _JSON_TYPES or kind in self.encoders or self.types.get(kind.__name__) is kind
        )


class Schema(typing.NamedTuple):
    """A field's form: `write` makes what JSON holds of a value; `read` makes the value
    again, or is the tuple of types it must be (JSON's own or built by the object hook),
    or None for any value the codec makes."""

    write: Callable[[Any], Any]
    read: Callable[[Any], Any] | tuple[type, ...] | None


_JSON_TYPES = (str, int, float, bool, type(None))


def _same(value: Any) -> Any:
    return value


def _checked(allowed: tuple[type, ...], write: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`write`, for values of the `allowed` types alone: a field holding another type (an
    int where its annotation says float) is not written, rather than read back as other
    than it was (then the record is only made afresh next time)."""

    def checked(value: Any) -> Any:
        if type(value) not in allowed:
            raise CodecError(f"{type(value).__name__} is not allowed in a field of {allowed}")
        return write(value)

    return checked


def _value(member: Enum) -> Any:
    return member.value


def _or_none(convert: Any) -> Any:
    if convert is _read_datetime:
        return _read_datetime_or_none  # the most frequent: one call the fewer
    return lambda value: None if value is None else convert(value)


def _sequence(kind: type, item: Schema) -> Schema:
    write_item = item.write
    read_item = item.read

    def write(value: Any) -> Any:
        if type(value) is not kind:
            raise CodecError(f"{type(value).__name__} where a {kind.__name__} belongs")
        found: Any = value  # a `kind`, which the check above does not tell the type checker
        parts: Iterable[Any] = _in_order(found) if kind is frozenset else found
        return [write_item(part) for part in parts]

    if isinstance(read_item, tuple) or read_item is None:
        allowed = frozenset(read_item) if read_item is not None else None

        empty = kind()

        def read(body: Any) -> Any:
            if not body and type(body) is list:
                return empty  # most sets of names are empty: one object for all
            if type(body) is not list:
                raise CodecError(f"no {kind.__name__}")
            if allowed is not None and not allowed.issuperset(map(type, body)):
                raise CodecError(f"a {kind.__name__} holding a value not allowed there")
            return kind(body)

    else:
        convert = read_item

        def read(body: Any) -> Any:
            if type(body) is not list:
                raise CodecError(f"no {kind.__name__}")
            return kind(map(convert, body))

    return Schema(write, read)


def _in_order(items: frozenset[Any]) -> list[Any]:
    """A set's items sorted, where they can be, so that equal records give equal files."""
    try:
        return sorted(items)
    except TypeError:
        return list(items)


def _mapping(key: Schema, value: Schema) -> Schema:
    write_key, write_value = key.write, value.write
    read_key, read_value = key.read, value.read

    def write(mapping: Any) -> Any:
        if not isinstance(mapping, Mapping):
            raise CodecError(f"{type(mapping).__name__} where a mapping belongs")
        return [
            part for pair in mapping.items() for part in (write_key(pair[0]), write_value(pair[1]))
        ]

    keys = frozenset(read_key) if isinstance(read_key, tuple) else None
    values = frozenset(read_value) if isinstance(read_value, tuple) else None

    if keys is not None and values is not None:  # the usual: names to numbers, names to text

        def read(body: Any) -> Any:
            if type(body) is not list or len(body) % 2:
                raise CodecError("no mapping: not keys and values")
            found_keys: Iterable[Any] = body[0::2]
            found_values: Iterable[Any] = body[1::2]
            if not (
                keys.issuperset(map(type, found_keys))
                and values.issuperset(map(type, found_values))
            ):
                raise CodecError("a mapping with a key or value not allowed there")
            return dict(zip(found_keys, found_values, strict=True))

    else:

        def read(body: Any) -> Any:
            if type(body) is not list or len(body) % 2:
                raise CodecError("no mapping: not keys and values")
            found_keys: Iterable[Any] = body[0::2]
            found_values: Iterable[Any] = body[1::2]
            if keys is not None and not keys.issuperset(map(type, found_keys)):
                raise CodecError("a mapping with a key not allowed there")
            if values is not None and not values.issuperset(map(type, found_values)):
                raise CodecError("a mapping with a value not allowed there")
            if callable(read_key):
                found_keys = map(read_key, found_keys)
            if callable(read_value):
                found_values = map(read_value, found_values)
            return dict(zip(found_keys, found_values, strict=True))

    return Schema(write, read)


def _dataclass_encoder(tag: str, names: tuple[str, ...], schemas: list[Schema]) -> _Encoder:
    writers = tuple(zip(names, (schema.write for schema in schemas), strict=True))

    def encoder(value: Any) -> Any:
        return {tag: [write(getattr(value, name)) for name, write in writers]}

    return encoder


def _dataclass_builder(kind: type, names: tuple[str, ...], schemas: list[Schema]) -> _Builder:
    count = len(names)
    make = object.__new__
    # Fields that must be of the same few types are checked together, in one set operation.
    by_types: dict[frozenset[type], list[int]] = {}
    for i, schema in enumerate(schemas):
        if isinstance(schema.read, tuple):
            by_types.setdefault(frozenset(schema.read), []).append(i)
    checks = tuple((allowed, _getter(indexes)) for allowed, indexes in by_types.items())
    converts = tuple((i, s.read) for i, s in enumerate(schemas) if callable(s.read))

    def builder(body: Any) -> Any:
        if type(body) is not list or len(body) != count:
            raise CodecError(f"no {kind.__name__}: not its {count} fields")
        for allowed, fields in checks:
            if not allowed.issuperset(map(type, fields(body))):
                raise CodecError(f"a {kind.__name__} with a field of a type not allowed there")
        for i, convert in converts:
            body[i] = convert(body[i])
        made: Any = make(kind)
        made.__dict__.update(zip(names, body, strict=True))
        return made

    return builder


def _getter(indexes: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """What takes the items at `indexes` of a list, as a tuple (of one, for one index)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda body: (body[index],)
    return operator.itemgetter(*indexes)


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
        return member

    return builder


def _member_encoder(tag: str) -> _Encoder:
    return lambda member: {tag: member.value}


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


def _datetime_field(value: Any) -> Any:
    if type(value) is not datetime:
        raise CodecError(f"{type(value).__name__} where a datetime belongs")
    return value.isoformat() if value.fold == 0 and _plain_zone(value.tzinfo) else _datetime(value)


def _read_datetime(body: Any) -> datetime:
    if type(body) is datetime:  # one with a named zone, tagged
        return body
    return datetime.fromisoformat(_str_body(body))


def _read_datetime_or_none(body: Any) -> datetime | None:
    if body is None:
        return None
    if type(body) is datetime:
        return body
    return datetime.fromisoformat(_str_body(body))


def _date_field(value: Any) -> Any:
    if type(value) is not date:
        raise CodecError(f"{type(value).__name__} where a date belongs")
    return value.isoformat()


def _bytes_field(value: Any) -> Any:
    if type(value) is not bytes:
        raise CodecError(f"{type(value).__name__} where bytes belong")
    return base64.b64encode(value).decode("ascii")


_SCALARS = {
    datetime: Schema(_datetime_field, _read_datetime),
    date: Schema(_date_field, lambda body: date.fromisoformat(_str_body(body))),
    bytes: Schema(_bytes_field, lambda body: base64.b64decode(_str_body(body), validate=True)),
}

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

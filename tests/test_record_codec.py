"""The records' codec: every model type comes back as it was, and nothing else comes back.

The incident records in the cache folder are JSON of tagged values and length-prefixed
bytes (statuspress.incremental.codec), never pickles: a file holding an unknown tag, a type
that is not statuspress's own, or a value of the wrong shape is ignored, with one warning, and
the build gives a cold build's bytes.
"""

from __future__ import annotations

import ast
import dataclasses
import logging
import pickle
import shutil
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import EXAMPLE_NOW, REPO, copy_example, tree_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statuspress.configuration.settings import load_settings
from statuspress.diagnostics import Diagnostic, Severity
from statuspress.incremental import cachekey, codec, records
from statuspress.model import load_site
from statuspress.model.types import UptimeWeights, Window
from statuspress.publishing.build import build_site
from statuspress.publishing.preparing import RECORDS_FOLDER
from test_records import spy

from benchmarks import corpus

CODEC = records.CODEC
WARNING = "ignored the build cache file"

ZONES = st.sampled_from(
    [
        None,
        timezone.utc,
        timezone(timedelta(hours=5, minutes=30)),
        timezone(timedelta(hours=-3, seconds=7, microseconds=5)),
        timezone(timedelta(hours=2), "CEST"),
    ]
)
DATETIMES = st.builds(
    lambda moment, zone, fold: moment.replace(tzinfo=zone, fold=fold),
    st.datetimes(),
    ZONES,
    st.sampled_from([0, 1]),
)
PLAIN = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.binary(max_size=40),
    DATETIMES,
    st.dates(),
    st.times(timezones=ZONES),
    st.timedeltas(),
)


def containing(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Every container a record may hold, of `inner` values."""
    return st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.frozensets(st.one_of(st.text(), st.integers()), max_size=4),
        st.dictionaries(st.one_of(st.text(), st.integers()), inner, max_size=4),
    )


# What a field annotated Any or object may hold: plain values, in containers two deep.
ANYTHING = st.one_of(PLAIN, containing(st.one_of(PLAIN, containing(PLAIN))))


def strategy(hint: Any) -> st.SearchStrategy[Any]:
    """Values of an annotation of the model, from its type hints alone."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any or hint is object:
        return ANYTHING
    if origin in (typing.Union, types.UnionType):
        return st.one_of([strategy(arg) for arg in args])
    if origin is tuple:
        return st.lists(strategy(args[0]), max_size=3).map(tuple)
    if origin is frozenset:
        return st.frozensets(strategy(args[0]), max_size=3)
    if origin in (dict, Mapping):
        return st.dictionaries(strategy(args[0]), strategy(args[1]), max_size=3)
    if hint is datetime:
        return DATETIMES
    special = {type(None): st.none(), str: st.text(), int: st.integers(), bool: st.booleans()}
    special |= {float: st.floats(allow_nan=False), bytes: st.binary(max_size=30), date: st.dates()}
    if hint in special:
        return special[hint]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(list(hint))
    assert dataclasses.is_dataclass(hint), hint
    hints = typing.get_type_hints(hint)
    fields = {
        f.name: st.deferred(lambda h=hints[f.name]: strategy(h)) for f in dataclasses.fields(hint)
    }
    return st.builds(hint, **fields)


def same(decoded: Any, value: Any) -> None:
    """Equal, and alike to the last detail a reader could see: types, the order of a dict,
    zones and folds, -0.0."""
    assert decoded == value
    assert type(decoded) is type(value)
    if dataclasses.is_dataclass(value):
        for found in dataclasses.fields(value):
            same(getattr(decoded, found.name), getattr(value, found.name))
    elif isinstance(value, (tuple, list)):
        for pair in zip(decoded, value, strict=True):
            same(*pair)
    elif isinstance(value, dict):
        assert list(decoded) == list(value)
        for key in value:
            same(decoded[key], value[key])
    elif isinstance(value, (datetime, time)):
        assert (decoded.tzname(), decoded.fold) == (value.tzname(), value.fold)
        assert repr(decoded.replace(tzinfo=None)) == repr(value.replace(tzinfo=None))
    elif isinstance(value, float):
        assert repr(decoded) == repr(value)


@pytest.mark.parametrize("name", sorted(CODEC.types))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_model_type_comes_back_as_it_was(name: str, data: st.DataObject) -> None:
    value = data.draw(strategy(CODEC.types[name]))
    same(CODEC.loads(CODEC.dumps(value)), value)


@settings(max_examples=200, deadline=None)
@given(value=ANYTHING)
def test_plain_values_come_back_as_they_were(value: Any) -> None:
    same(CODEC.loads(CODEC.dumps(value)), value)


def test_every_type_of_the_model_is_registered() -> None:
    from statuspress.model import types

    defined = {
        name
        for name, kind in vars(types).items()
        if isinstance(kind, type) and kind.__module__ == types.__name__
    }
    assert defined <= set(CODEC.types)


def test_the_example_sites_incidents_come_back_as_they_were() -> None:
    site = load_example()
    assert len(site.incidents) == 8
    for incident in site.incidents:
        same(CODEC.loads(CODEC.dumps(incident)), incident)
    same(CODEC.loads(CODEC.dumps(site)), site)


def load_example(root: Path = REPO) -> Any:
    found, problems = load_settings(root / "mkdocs.yml")
    assert found is not None, problems
    site, _ = load_site(root, found)
    return site


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), shape=st.sampled_from(sorted(corpus.SHAPES)))
def test_generated_histories_come_back_as_they_were(
    tmp_path_factory: pytest.TempPathFactory, seed: int, shape: str
) -> None:
    root = tmp_path_factory.mktemp("corpus")
    corpus.write_site(root, corpus.generate(40, seed, corpus.SHAPES[shape]))
    site = load_example(root)
    assert site.incidents
    for incident in site.incidents:
        same(CODEC.loads(CODEC.dumps(incident)), incident)


def test_a_helpers_record_comes_back_with_its_pages() -> None:
    site = load_example()
    incident = site.incidents[0]
    pages = {"incidents/x/index.html": b"<p>\xff\x00</p>", "incidents/x/\udcff.svg": b""}
    record = records.Record(incident, (), pages, True)
    key = cachekey.CacheKey.for_build()
    same(records.decode_record(key, records.encode_record(key, record)), record)


def test_a_pack_decodes_and_encodes_to_the_same_bytes(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    build(root)
    packs = sorted((root / ".statuspress-cache" / RECORDS_FOLDER).glob("*.pack"))
    assert packs
    for path in packs:
        payload = records.verified(
            cachekey.CacheKey.for_build(), path.read_bytes(), records.MAGIC, path.name
        )
        entries = records.entries_from(payload)
        assert entries and all(isinstance(e, records.Entry) for e in entries.values())
        assert CODEC.dumps(entries) == payload


# Payloads no build writes. Each is sealed with this machine's key, as if it had leaked: the
# codec alone must refuse it.
CRAFTED = {
    "unknown tag": b'{"{":["2026-10-14-api-and-dashboard-outage",{"os.system":["id"]}]}',
    "a class by module path": b'{"subprocess.Popen":[["touch","/tmp/x"]]}',
    "a builtin by name": b'{"{":["a",{"eval":"1"}]}',
    "too few fields": b'{"{":["2026-10-14-api-and-dashboard-outage",{"Entry":[null,"",""]}]}',
    "a model type where another belongs": (
        b'{"{":["2026-10-14-api-and-dashboard-outage",{"Entry":[null,"AA==","AA==",'
        b'{"Diagnostic":["p",1,"r","error","m",""]},[]]}]}'
    ),
    "an enum value it does not have": b'{"Severity":"fatal"}',
    "an object of two keys": b'{"(":[],"[":[]}',
    "no pack": b'{"(":[1,2]}',
    "not JSON": b"\x80\x03}q\x00.",
    "nested beyond reason": b'{"(":[' * 100_000,
}


@pytest.mark.parametrize("payload", CRAFTED.values(), ids=list(CRAFTED))
def test_the_codec_refuses_anything_it_did_not_write(payload: bytes) -> None:
    with pytest.raises(records.RecordError):
        records.entries_from(payload)


def test_the_codec_writes_nothing_it_could_not_read_back() -> None:
    for value in (print, object(), Path("x"), {1, 2}, bytearray(b"x"), codec.Codec):
        with pytest.raises(codec.CodecError, match="not allowed"):
            CODEC.dumps({"x": value})
    with pytest.raises(codec.CodecError):  # a zone ISO 8601 cannot name
        CODEC.dumps(datetime(2026, 1, 1, tzinfo=ZoneInfo("Europe/Berlin")))


def build(root: Path, site: str = "site") -> dict[str, bytes]:
    return tree_bytes(build_site(root / "mkdocs.yml", root / site, EXAMPLE_NOW).site_dir)


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    root = copy_example(tmp_path_factory.mktemp("cold"))
    return root, build(root)


def restored(cold: tuple[Path, dict[str, bytes]], tmp_path: Path) -> Path:
    """The cold build's site root with its cache and without its site, as CI restores it."""
    root = tmp_path / "root"
    shutil.copytree(cold[0], root, symlinks=True)
    shutil.rmtree(root / "site")
    return root


def built_with_one_warning(
    root: Path, files: str, magic: bytes, payload: bytes, caplog: pytest.LogCaptureFixture
) -> dict[str, bytes]:
    """The site built after every record file matching `files` was made to hold `payload`,
    sealed with this machine's key; the build must warn once."""
    for path in sorted((root / ".statuspress-cache" / RECORDS_FOLDER).glob(files)):
        path.write_bytes(cachekey.CacheKey.for_build().seal(magic, path.name, payload))
    with caplog.at_level(logging.WARNING):
        built = build(root)
    assert len([r for r in caplog.records if WARNING in r.getMessage()]) == 1
    return built


@pytest.mark.parametrize("payload", CRAFTED.values(), ids=list(CRAFTED))
def test_a_crafted_pack_is_ignored_with_one_warning_and_the_build_goes_cold(
    cold: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    payload: bytes,
) -> None:
    root = restored(cold, tmp_path)
    made = spy(monkeypatch)
    assert built_with_one_warning(root, "*.pack", records.MAGIC, payload, caplog) == cold[1]
    assert made[0].reused == 0 and made[0].computed == 8


@pytest.mark.parametrize(
    "payload",
    [
        codec.frame([b"2026-10-14-api-and-dashboard-outage", b"k", b"7", b"index.html"]),
        codec.frame([b"a", b"k", b"x"]),
        b"\xff\xff\xff\xff",
        codec.frame([b"a", b"b"])[:-1],
    ],
)
def test_a_crafted_pages_file_is_ignored_and_its_pages_rendered_again(
    cold: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    payload: bytes,
) -> None:
    root = restored(cold, tmp_path)
    assert built_with_one_warning(root, "*.pages", records.PAGES_MAGIC, payload, caplog) == cold[1]


def test_reading_the_cache_unpickles_nothing(
    cold: tuple[Path, dict[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild with no live site reads every pack and pages file; with every way to
    unpickle made to fail, it still gives the cold build's bytes."""
    root = restored(cold, tmp_path)

    def refuse(*args: object, **kwargs: object) -> typing.NoReturn:
        raise AssertionError("something was unpickled")

    import _pickle

    for module in (pickle, _pickle):
        for name in ("load", "loads", "Unpickler"):
            monkeypatch.setattr(module, name, refuse)
    read = []
    original = records._PageFiles._read
    monkeypatch.setattr(
        records._PageFiles, "_read", lambda self, month: read.append(month) or original(self, month)
    )
    made = spy(monkeypatch)
    assert build(root) == cold[1]
    assert made[0].reused == 8 and read


def test_the_records_code_cannot_unpickle_or_evaluate() -> None:
    """Nothing that reads the cache imports a way to load code or objects by name."""
    refused_modules = {"pickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle", "copyreg"}
    refused_calls = {"eval", "exec", "compile", "__import__", "import_module", "find_class"}
    for module in (records, codec):
        tree = ast.parse(Path(module.__file__).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & refused_modules
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] not in refused_modules
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in refused_calls, (module.__name__, node.func.id)


def test_time_values_keep_their_zone_and_fold() -> None:
    for value in (
        datetime(2026, 11, 1, 1, 30, fold=1),
        datetime(2026, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=-4), "EDT")),
        time(1, 2, 3, 4, tzinfo=timezone.utc),
        time(1, 2, fold=1),
    ):
        same(CODEC.loads(CODEC.dumps(value)), value)


def test_a_field_holding_another_type_than_its_annotation_is_not_written() -> None:
    """Read back, it would not be what was written: the record is made afresh instead."""
    weights = UptimeWeights(major_outage=1)  # type: ignore[arg-type]  # an int, not a float
    for value in (weights, Diagnostic("p", "1", "r", Severity.ERROR, "m")):  # type: ignore[arg-type]
        with pytest.raises(codec.CodecError, match="not allowed"):
            CODEC.dumps(value)
    with pytest.raises(codec.CodecError, match="not allowed"):
        CODEC.dumps(Diagnostic("p", 1, "r", "error", "m"))  # type: ignore[arg-type]


def test_sets_and_keys_of_model_values_come_back_whole() -> None:
    """A set or a dict made of model values hashes them as it is made."""
    start = datetime(2026, 11, 1, 9, tzinfo=timezone.utc)
    windows = [Window(start, start + timedelta(hours=hours)) for hours in (1, 2, 3)]
    value = (
        frozenset(windows[:2]),
        {windows[2]: [frozenset({windows[0]})], "plain": windows[1]},
        [windows[0], {windows[1]: windows[2]}],
    )
    same(CODEC.loads(CODEC.dumps(value)), value)


MISPLACED = {
    "a model value as a set's item, with a bad field": (
        b'{"f":[{"Window":["2026-11-01T09:00:00+00:00","tomorrow"]}]}'
    ),
    "a model value where a field's set of names belongs": (
        b'{"Postmortem":["i","p","t",null,[],null,[],"b",[],1,'
        b'[{"Window":["2026-11-01T09:00:00+00:00","2026-11-01T10:00:00+00:00"]}]]}'
    ),
    "a model value where a mapping's key belongs": (
        b'{"Postmortem":["i","p","t",null,[],null,[],"b",'
        b'[{"Window":["2026-11-01T09:00:00+00:00","2026-11-01T10:00:00+00:00"]},1],1,[]]}'
    ),
}


@pytest.mark.parametrize("payload", MISPLACED.values(), ids=list(MISPLACED))
def test_a_model_value_where_it_does_not_belong_is_refused(payload: bytes) -> None:
    with pytest.raises(codec.CodecError):
        CODEC.loads(payload)

"""`statuspress import statuspage`: round trips through this site's own Statuspage-shaped API,
the real captures, a live page and the Manage API on local HTTP servers, and bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner, Result
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, REPO, served
from statuspress.cli import main
from statuspress.model.types import Kind
from statuspress.outputs.api import Api
from statuspress.publishing.build import build_site
from statuspress.publishing.loading import load_project

from benchmarks import corpus

NOW = "2026-11-22T10:00:00Z"
CAPTURES = Path(__file__).parent / "data" / "statuspage-captures"  # sources: its PROVENANCE.md
FRESH_CONFIG = MINIMAL_CONFIG.split("      components:", 1)[0]  # no components yet


def fresh_site(root: Path) -> Path:
    (root / "incidents").mkdir(parents=True)
    config = root / "mkdocs.yml"
    config.write_text(FRESH_CONFIG, encoding="utf-8")
    return config


def run_import(config: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        main, ["import", "statuspage", *args, "-f", str(config), "--now", NOW], env=env
    )


def tree(root: Path) -> dict[str, str]:
    """Every file under root (but the build cache), with its hash."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".statuspress-cache" not in p.parts and "site" not in p.parts
    }


# --- comparing two sites through their API ---------------------------------------------------


def api_view(documents: dict[str, Any]) -> dict[str, Any]:
    """What the round trip keeps: names, states, times, texts, components; not ids or URLs."""
    components = documents["components.json"]["components"]
    names = {c["id"]: c["name"] for c in components}
    view: dict[str, Any] = {
        "components": [
            (
                c["name"],
                c["group"],
                c["description"],
                c["position"],
                c["start_date"],
                names.get(c["group_id"]),
            )
            for c in components
        ],
        "status": documents["status.json"]["status"],
    }
    for name, key in (
        ("incidents.json", "incidents"),
        ("scheduled-maintenances.json", "scheduled_maintenances"),
        ("summary.json", "incidents"),
        ("summary.json", "scheduled_maintenances"),
    ):
        view[f"{name}:{key}"] = [incident_view(i) for i in documents[name][key]]
    return view


def incident_view(incident: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": incident["name"],
        "status": incident["status"],
        "impact": incident["impact"],
        "times": [
            incident[k] for k in ("created_at", "updated_at", "monitoring_at", "resolved_at")
        ],
        "started_at": incident["started_at"],
        "window": [incident.get("scheduled_for"), incident.get("scheduled_until")],
        "components": sorted(c["name"] for c in incident["components"]),
        "updates": [
            (
                u["status"],
                u["body"],
                u["display_at"],
                [
                    (a["name"], a["old_status"], a["new_status"])
                    for a in u["affected_components"] or []
                ],
            )
            for u in incident["incident_updates"]
        ],
    }


def read_api(site_dir: Path) -> dict[str, Any]:
    folder = site_dir / "api" / "v2"
    return {
        p.relative_to(folder).as_posix(): json.loads(p.read_text(encoding="utf-8"))
        for p in folder.rglob("*.json")
    }


# --- the example site ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_api(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("example") / "site"
    build_site(REPO / "mkdocs.yml", site, EXAMPLE_NOW)
    return site / "api" / "v2"


@pytest.fixture
def imported(example_api: Path, tmp_path: Path) -> Path:
    """A fresh site with the example imported once; its configuration."""
    config = fresh_site(tmp_path / "fresh")
    assert run_import(config, str(example_api)).exit_code == 0
    return config


WEBHOOKS_FOLDER = "incidents/2026-11-22-webhook-deliveries-delayed"


def test_the_example_round_trips_through_its_own_api(example_api: Path, tmp_path: Path) -> None:
    config = fresh_site(tmp_path / "fresh")
    result = run_import(config, str(example_api))
    assert result.exit_code == 0, result.output
    assert "Files: 28 created" in result.output
    build_site(config, tmp_path / "rebuilt", EXAMPLE_NOW)
    assert api_view(read_api(tmp_path / "rebuilt")) == api_view(read_api(example_api.parent.parent))


def test_a_second_import_changes_no_file(example_api: Path, imported: Path) -> None:
    config = imported
    before = tree(config.parent)
    again = run_import(config, str(example_api))
    assert again.exit_code == 0, again.output
    assert "0 created, 0 changed, 28 unchanged" in again.output
    assert tree(config.parent) == before


def test_files_are_written_as_a_person_would(imported: Path) -> None:
    config = imported
    first = config.parent / WEBHOOKS_FOLDER
    names = sorted(p.name for p in first.iterdir())
    assert names == [
        "20261122T0904Z-investigating.md",
        "20261122T0930Z-identified.md",
        "20261122T0955Z-identified.md",
    ]
    text = (first / names[0]).read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in text.split("---")[1].splitlines() if line[:1].isalpha()]
    assert keys == ["title", "at", "status", "impact", "components", "started", "imported_from"]
    assert "<" not in text
    config_text = config.read_text(encoding="utf-8")
    assert (
        "        - id: webhooks\n          name: Webhooks\n          group: Integrations"
        in config_text
    )


def test_a_person_s_edit_is_kept_and_a_deleted_file_not_written_again(
    example_api: Path, imported: Path
) -> None:
    config = imported
    folder = config.parent / WEBHOOKS_FOLDER
    edited = folder / "20261122T0904Z-investigating.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA sentence a person added.\n")
    deleted = folder / "20261122T0955Z-identified.md"
    deleted.unlink()
    result = run_import(config, str(example_api))
    assert "A sentence a person added." in edited.read_text(encoding="utf-8")
    assert not deleted.exists()
    assert (
        f"kept incidents/{folder.name}/{edited.name}: edited since the last import" in result.output
    )
    assert (
        f"kept incidents/{folder.name}/{deleted.name}: deleted since the last import"
        in result.output
    )


def test_a_later_import_adds_only_what_is_new(example_api: Path, tmp_path: Path) -> None:
    older = tmp_path / "older"
    shutil.copytree(example_api, older)
    document = json.loads((older / "incidents.json").read_text(encoding="utf-8"))
    newest = document["incidents"].pop(0)
    (older / "incidents.json").write_text(json.dumps(document), encoding="utf-8")
    for name in ("summary.json", "incidents/unresolved.json"):
        page = json.loads((older / name).read_text(encoding="utf-8"))
        page["incidents"] = [i for i in page["incidents"] if i["id"] != newest["id"]]
        (older / name).write_text(json.dumps(page), encoding="utf-8")
    config = fresh_site(tmp_path / "fresh")
    assert run_import(config, str(older)).exit_code == 0
    before = tree(config.parent)
    result = run_import(config, str(example_api))
    after = tree(config.parent)
    added = sorted(set(after) - set(before))
    assert [p for p in added if p.startswith("incidents/")] == [
        "incidents/2026-11-22-webhook-deliveries-delayed/20261122T0904Z-investigating.md",
        "incidents/2026-11-22-webhook-deliveries-delayed/20261122T0930Z-identified.md",
        "incidents/2026-11-22-webhook-deliveries-delayed/20261122T0955Z-identified.md",
    ]
    assert all(after[p] == before[p] for p in before if p.startswith("incidents/"))
    assert "3 created, 0 changed, 25 unchanged" in result.output


def test_imported_updates_are_never_notified(example_api: Path, tmp_path: Path) -> None:
    from test_notify import Receiver, _handler

    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = fresh_site(tmp_path / "fresh")
        config.write_text(
            config.read_text(encoding="utf-8")
            + "      components:\n        - id: api\n          name: API\n"
            + "      notify:\n        channels:\n          - type: webhook\n"
            + "            url_env: T_HOOK\n",
            encoding="utf-8",
        )
        build_site(config, tmp_path / "live", EXAMPLE_NOW)  # the page before the import
        assert run_import(config, str(example_api)).exit_code == 0
        build_site(config, config.parent / "site", EXAMPLE_NOW)
        with served(tmp_path / "live") as live:
            result = CliRunner().invoke(
                main,
                ["notify", "-f", str(config), "--now", NOW, "--live-url", live],
                env={"T_HOOK": f"http://127.0.0.1:{server.server_address[1]}/hook"},
            )
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    assert "Not sent: 28 imported updates" in result.output
    assert receiver.requests == []


# --- the real captures -----------------------------------------------------------------------


def test_the_real_captures_import_check_and_build(tmp_path: Path) -> None:
    config = fresh_site(tmp_path / "fresh")
    result = run_import(config, str(CAPTURES))
    assert result.exit_code == 0, result.output
    assert "6 incidents, 3 maintenances" in result.output
    assert "Traceback" not in result.output
    check = CliRunner().invoke(main, ["check", "-f", str(config), "--now", NOW])
    assert check.exit_code == 0, check.output
    build_site(config, tmp_path / "built", EXAMPLE_NOW)
    assert (tmp_path / "built/api/v2/incidents.json").is_file()
    again = run_import(config, str(CAPTURES))
    assert "0 created, 0 changed, 31 unchanged" in again.output


def test_a_live_public_page_is_read_over_http(tmp_path: Path) -> None:
    page = tmp_path / "page" / "api" / "v2"
    page.mkdir(parents=True)
    for name in (
        "summary.json",
        "components.json",
        "incidents.json",
        "scheduled-maintenances.json",
    ):
        shutil.copy(CAPTURES / name, page / name)
    config = fresh_site(tmp_path / "fresh")
    with served(tmp_path / "page") as url:
        result = run_import(config, "--url", url)
    assert result.exit_code == 0, result.output
    assert "Read from statuspage: 6 incidents, 2 maintenances, 35 components" in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"incidents": [', "incidents.json:1: not valid JSON"),
        ('{"incidents": {"a": 1}}', "'incidents' must be a list"),
        (
            '{"incidents": [{"id": "x", "name": "A", "incident_updates": ['
            '{"id": "u", "status": "exploded", "body": "",'
            ' "display_at": "2024-01-01T00:00:00Z"}]}]}',
            "'exploded' is not a incident status",
        ),
        (
            '{"incidents": [{"id": "x", "name": "A", "incident_updates": ['
            '{"id": "u", "status": "resolved", "display_at": "yesterday"}]}]}',
            "'display_at' is not a time with an offset",
        ),
        ('["not", "incidents"]', "expected a JSON object for a incident"),
        ('{"hello": 1}', "not a Statuspage API document"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, content: str, expected: str) -> None:
    config = fresh_site(tmp_path / "fresh")
    bad = tmp_path / "incidents.json"
    bad.write_text(content, encoding="utf-8")
    result = run_import(config, str(bad))
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


class _Failing(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(503)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_http_errors_and_unreachable_pages_are_clear_errors(tmp_path: Path) -> None:
    config = fresh_site(tmp_path / "fresh")
    with served(tmp_path, _Failing) as url:
        failing = run_import(config, "--url", url)
    assert failing.exit_code == 1
    assert "HTTP 503" in failing.output and "try again later" in failing.output
    with served(tmp_path, _Failing) as url:
        pass  # closed: nothing listens there now
    unreachable = run_import(config, "--url", url)
    assert unreachable.exit_code == 1
    assert "cannot be reached" in unreachable.output
    assert not list((config.parent / "incidents").iterdir())


# --- the Manage API, paged through a whole generated history ----------------------------------

PAGE_ID = "pg123"
API_KEY = "test-key-5f2a"


class ManageApi:
    """The Manage API's paging: `?page=N&per_page=M`, 1-based, a short page ends the list."""

    def __init__(self, components: list[Any], groups: list[Any], incidents: list[Any]) -> None:
        self.lists = {"components": components, "component-groups": groups, "incidents": incidents}
        self.requests: list[str] = []

    def handler(self) -> type[SimpleHTTPRequestHandler]:
        api = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                api.requests.append(self.path)
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                name = parts.path.removeprefix(f"/v1/pages/{PAGE_ID}/")
                if self.headers.get("Authorization") != f"OAuth {API_KEY}":
                    return self._send(401, {"error": "unauthorized"})
                if name not in api.lists:
                    return self._send(404, {"error": "not found"})
                page, per_page = int(query["page"][0]), int(query["per_page"][0])
                items = api.lists[name][(page - 1) * per_page : page * per_page]
                return self._send(200, items)

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def manage_api_documents(config: Path, now: datetime) -> ManageApi:
    """A site's whole history in the Manage API's shapes, built by this site's own API."""
    project = load_project(config, now)
    api = Api(project.site, now)
    everything = api.components()
    groups = [dict(c, components=c["components"]) for c in everything if c["group"]]
    components = [c for c in everything if not c["group"]]
    incidents = []
    for incident in sorted(project.site.incidents, key=lambda i: i.latest.at, reverse=True):
        document = (
            api.maintenance(incident)
            if incident.kind is Kind.MAINTENANCE
            else api.incident(incident)
        )
        incidents.append(document)
    return ManageApi(components, groups, incidents)


def whole_history(config: Path, now: datetime) -> list[dict[str, Any]]:
    project = load_project(config, now)
    api = Api(project.site, now)
    views = [
        incident_view(api.maintenance(i) if i.kind is Kind.MAINTENANCE else api.incident(i))
        for i in project.site.incidents
    ]
    return sorted(views, key=lambda v: (v["times"][0], v["name"]))


def test_a_whole_history_of_1000_incidents_round_trips_through_the_manage_api(
    tmp_path: Path,
) -> None:
    original = corpus.write_site(tmp_path / "original", corpus.generate(1000))
    served_api = manage_api_documents(original, corpus.NOW)
    config = fresh_site(tmp_path / "fresh")
    with served(tmp_path, served_api.handler()) as base:
        arguments = ["--page-id", PAGE_ID, "--api-base", f"{base}v1"]
        result = run_import(config, *arguments, env={"STATUSPAGE_API_KEY": API_KEY})
        assert result.exit_code == 0, result.output
        pages = [r for r in served_api.requests if "/incidents?" in r]
        assert len(pages) == 11  # 1000 incidents, 100 a page, then an empty page
        before = tree(config.parent)
        again = run_import(config, *arguments, env={"STATUSPAGE_API_KEY": API_KEY})
    assert "0 created, 0 changed" in again.output
    assert tree(config.parent) == before
    assert API_KEY not in result.output + (config.parent / ".statuspress-import.json").read_text()
    assert whole_history(config, corpus.NOW) == whole_history(original, corpus.NOW)
    components = load_project(config, corpus.NOW).settings.components
    assert [(c.name, c.group) for c in components] == [
        (name, group) for _, name, group in corpus.COMPONENTS
    ]


def test_the_api_key_comes_only_from_the_environment(tmp_path: Path) -> None:
    config = fresh_site(tmp_path / "fresh")
    missing = run_import(config, "--page-id", PAGE_ID, env={"STATUSPAGE_API_KEY": ""})
    assert missing.exit_code == 2
    assert "STATUSPAGE_API_KEY" in missing.output
    flag = run_import(config, "--page-id", PAGE_ID, "--api-key", API_KEY)
    assert flag.exit_code == 2
    with served(tmp_path, ManageApi([], [], []).handler()) as base:
        wrong = run_import(
            config,
            "--page-id",
            PAGE_ID,
            "--api-base",
            f"{base}v1",
            env={"STATUSPAGE_API_KEY": "wrong"},
        )
    assert wrong.exit_code == 1
    assert "HTTP 401" in wrong.output and "check the API key" in wrong.output


# --- redirects from the old page -------------------------------------------------------------


def test_redirects_send_the_old_incident_urls_to_the_new_pages(tmp_path: Path) -> None:
    config = fresh_site(tmp_path / "fresh")
    config.write_text(config.read_text() + "      redirects: true\n", encoding="utf-8")
    assert run_import(config, str(CAPTURES)).exit_code == 0
    site = tmp_path / "built"
    build_site(config, site, EXAMPLE_NOW)
    lines = (site / "_redirects").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9
    assert (
        "/incidents/x0ljvc9m1wxj /2019-02-20-intermittent-navigation-sending-trouble-for-some/ 301"
        in lines
    )
    page = (site / "incidents/x0ljvc9m1wxj/index.html").read_text(encoding="utf-8")
    target = "../../2019-02-20-intermittent-navigation-sending-trouble-for-some/"
    assert f'content="0; url={target}"' in page
    assert (site / "incidents/x0ljvc9m1wxj" / target / "index.html").resolve().is_file()
    assert "incidents/x0ljvc9m1wxj" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_redirects_go_through_the_leak_guard_and_the_reserved_names(tmp_path: Path) -> None:
    from statuspress.publishing.build import BuildFailed

    config = fresh_site(tmp_path / "fresh")
    config.write_text(
        config.read_text() + "      redirects:\n        statuspage: /old/{id}\n"
        "      forbidden_patterns:\n        - 'x0ljvc9m1wxj'\n",
        encoding="utf-8",
    )
    assert run_import(config, str(CAPTURES)).exit_code == 0
    with pytest.raises(BuildFailed) as failed:
        build_site(config, tmp_path / "built", EXAMPLE_NOW)
    assert any(
        d.rule == "forbidden-pattern" and "_redirects" in d.message
        for d in failed.value.diagnostics
    )
    config.write_text(
        config.read_text().replace("        - 'x0ljvc9m1wxj'\n", "        - 'never-x'\n")
    )
    (config.parent / "incidents" / "_redirects").write_text("/a /b 301\n", encoding="utf-8")
    check = CliRunner().invoke(main, ["check", "-f", str(config), "--now", NOW])
    assert check.exit_code == 1
    assert "incidents/_redirects: error[reserved-name]" in check.output


def test_a_bad_redirects_option_is_a_clear_error(tmp_path: Path) -> None:
    config = fresh_site(tmp_path / "fresh")
    config.write_text(config.read_text() + "      redirects: {statuspage: incidents}\n")
    check = CliRunner().invoke(main, ["check", "-f", str(config), "--now", NOW])
    assert check.exit_code == 1
    assert "option 'redirects': the path of 'statuspage' must start with /" in check.output


def manage_incident(key: str, published: str | None, body: str) -> dict[str, Any]:
    return {
        "id": key,
        "name": f"Incident {key}",
        "impact": "major",
        "metadata": {"jira": {"ticket": "OPS-SECRET-1"}},
        "postmortem_body": body,
        "postmortem_published_at": published,
        "incident_updates": [
            {
                "id": f"{key}u1",
                "status": "resolved",
                "body": "<p>Fixed.</p>",
                "display_at": "2024-05-02T10:00:00Z",
                "affected_components": [
                    {
                        "code": "c1",
                        "name": "API",
                        "old_status": "major_outage",
                        "new_status": "operational",
                    }
                ],
            }
        ],
    }


def test_internal_fields_and_draft_postmortems_are_left_out(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    incidents = [
        manage_incident("aaa", "2024-05-03T09:00:00Z", "<p>What happened.</p>"),
        manage_incident("bbb", None, "<p>DRAFT-POSTMORTEM not ready</p>"),
    ]
    (export / "incidents.json").write_text(json.dumps(incidents), encoding="utf-8")
    components = {
        "components": [
            {
                "id": "c1",
                "name": "API",
                "group": False,
                "group_id": None,
                "description": None,
                "start_date": "2021-03-01",
                "automation_email": "component+c1@notifications.statuspage.io",
            }
        ]
    }
    (export / "components.json").write_text(json.dumps(components), encoding="utf-8")
    config = fresh_site(tmp_path / "fresh")
    result = run_import(config, str(export))
    assert result.exit_code == 0, result.output
    assert "incident bbb: the postmortem is an unpublished draft" in result.output
    written = "".join(p.read_text() for p in (config.parent / "incidents").rglob("*.md"))
    everything = (
        written + config.read_text() + (config.parent / ".statuspress-import.json").read_text()
    )
    for secret in ("DRAFT-POSTMORTEM", "OPS-SECRET-1", "notifications.statuspage.io"):
        assert secret not in everything
    assert "What happened." in written
    assert "          start_date: 2021-03-01" in config.read_text()
    assert len(list((config.parent / "incidents").rglob("postmortem.md"))) == 1


def test_a_full_public_list_says_older_incidents_need_the_manage_api(tmp_path: Path) -> None:
    incidents = [manage_incident(f"i{n:02d}", None, "") for n in range(50)]
    (tmp_path / "incidents.json").write_text(json.dumps({"incidents": incidents}))
    result = run_import(fresh_site(tmp_path / "fresh"), str(tmp_path / "incidents.json"))
    assert result.exit_code == 0, result.output
    assert "holds the latest 50: the public API shows no more" in result.output
    assert "--page-id" in result.output


def test_a_tampered_manifest_never_writes_outside_the_content(
    example_api: Path, imported: Path, tmp_path: Path
) -> None:
    config = imported
    manifest_path = config.parent / ".statuspress-import.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    key = next(iter(manifest["files"]))
    manifest["files"][key] = "incidents/../../outside.md"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    result = run_import(config, str(example_api))
    assert result.exit_code == 1
    assert "the import manifest is damaged" in result.output
    assert not (tmp_path / "outside.md").exists()


def test_a_symbolic_link_in_the_way_is_not_written_through(
    example_api: Path, imported: Path, tmp_path: Path
) -> None:
    config = imported
    folder = config.parent / WEBHOOKS_FOLDER
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder, elsewhere)
    for file in elsewhere.iterdir():
        file.unlink()
    folder.symlink_to(elsewhere, target_is_directory=True)
    result = run_import(config, str(example_api))
    assert "a symbolic link is in the way" in result.output
    assert list(elsewhere.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_a_clear_error(
    example_api: Path, tmp_path: Path
) -> None:
    config = fresh_site(tmp_path / "fresh")
    content = config.parent / "incidents"
    content.rmdir()
    content.write_text("a file where the content folder should be\n", encoding="utf-8")
    result = run_import(config, str(example_api))
    assert result.exit_code == 1
    assert "Import failed:" in result.output and "incidents" in result.output
    assert "Traceback" not in result.output


def test_updates_in_the_same_second_keep_their_order(tmp_path: Path) -> None:
    incident = manage_incident("ccc", None, "")
    incident["incident_updates"] = [
        {"id": f"u{n}", "status": status, "body": text, "display_at": at}
        for n, (status, text, at) in enumerate(
            [
                ("identified", "Second.", "2024-05-02T10:00:19.900Z"),
                ("investigating", "First.", "2024-05-02T10:00:19.418Z"),
            ]
        )
    ]
    (tmp_path / "incidents.json").write_text(json.dumps([incident]), encoding="utf-8")
    config = fresh_site(tmp_path / "fresh")
    assert run_import(config, str(tmp_path / "incidents.json")).exit_code == 0
    (loaded,) = load_project(config, EXAMPLE_NOW).site.incidents
    assert [u.body for u in loaded.updates] == ["First.", "Second."]
    later = (config.parent / "incidents" / loaded.id / "20240502T1000Z-identified.md").read_text()
    assert "at: 2024-05-02T10:00:19.900Z" in later


class _NotPaging(SimpleHTTPRequestHandler):
    """Answers every page with the same full page, as a server that ignores `page` would."""

    def do_GET(self) -> None:
        items = [manage_incident(f"r{n:03d}", None, "") for n in range(100)]
        data = json.dumps(items if "/incidents" in self.path else []).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_server_that_does_not_page_is_a_clear_error(tmp_path: Path) -> None:
    config = fresh_site(tmp_path / "fresh")
    with served(tmp_path, _NotPaging) as base:
        result = run_import(
            config,
            "--page-id",
            PAGE_ID,
            "--api-base",
            f"{base}v1",
            env={"STATUSPAGE_API_KEY": API_KEY},
        )
    assert result.exit_code == 1
    assert "page 2 repeats what earlier pages held" in result.output

"""The Statuspage-compatible API: the schema, the rules real clients impose, a real client."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_NOW, copy_example, require_tool, served
from jsonschema import Draft202012Validator
from statuspress.publishing.build import build_site

SCHEMA = json.loads((Path(__file__).parent / "data/statuspage-v2.schema.json").read_text())
DEFINITIONS = {
    "summary.json": "summary",
    "status.json": "status_endpoint",
    "components.json": "components_endpoint",
    "incidents.json": "incidents_endpoint",
    "incidents/unresolved.json": "incidents_endpoint",
    "scheduled-maintenances.json": "scheduled_maintenances_endpoint",
    "scheduled-maintenances/upcoming.json": "scheduled_maintenances_endpoint",
    "scheduled-maintenances/active.json": "scheduled_maintenances_endpoint",
}
COMPONENT_KEYS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "position",
    "description",
    "showcase",
    "start_date",
    "group_id",
    "page_id",
    "group",
    "only_show_if_degraded",
}
TOOLS = Path(os.environ.get("STATUSPRESS_TOOLS", "/opt/statuspress-tools"))


def load(site: Path, name: str) -> dict[str, Any]:
    return json.loads((site / "api/v2" / name).read_text())


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_every_file_validates_against_its_schema(example_site: Path, name: str) -> None:
    schema = {"$ref": f"#/$defs/{DEFINITIONS[name]}", "$defs": SCHEMA["$defs"]}
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft202012Validator(schema).iter_errors(load(example_site, name))
    ]
    assert errors == []


def test_components_carry_exactly_the_keys_clients_expect(example_site: Path) -> None:
    components = load(example_site, "components.json")["components"]
    groups = [c for c in components if c["group"]]
    members = [c for c in components if not c["group"]]
    assert len(groups) == 3 and len(members) == 8
    for component in members:
        assert set(component) == COMPONENT_KEYS, component["name"]
    for group in groups:
        assert set(group) == COMPONENT_KEYS | {"components"}
        assert {m["group_id"] for m in members if m["id"] in group["components"]} == {group["id"]}


def test_status_indicator_is_the_worst_current_impact(example_site: Path) -> None:
    status = load(example_site, "status.json")["status"]
    assert status == {"indicator": "major", "description": "Partial System Outage"}


def test_api_agrees_with_the_status_page(example_site: Path) -> None:
    html = (example_site / "index.html").read_text()
    unresolved = load(example_site, "incidents/unresolved.json")["incidents"]
    open_section = html[html.index('id="open-h"') : html.index('id="mnt-h"')]
    assert [i["name"] for i in unresolved] == re.findall(
        r'<h3><a href="[^"]+">([^<]+)</a>', open_section
    )
    shown = dict(
        re.findall(r'<a href="components/[^"]+/">([^<]+)</a> <span class="state s-(\w+)"', html)
    )
    members = [c for c in load(example_site, "components.json")["components"] if not c["group"]]
    assert {c["name"]: c["status"] for c in members} == shown
    upcoming = load(example_site, "scheduled-maintenances/upcoming.json")
    assert [m["name"] for m in upcoming["scheduled_maintenances"]] == ["Backup storage migration"]


def test_incident_updates_are_newest_first_with_affected_components(example_site: Path) -> None:
    incidents = load(example_site, "incidents.json")["incidents"]
    assert len(incidents) == 6  # the two maintenances are listed apart
    for incident in incidents:
        times = [u["display_at"] for u in incident["incident_updates"]]
        assert times == sorted(times, reverse=True), incident["name"]
        assert incident["shortlink"] == f"https://status.acme.example/{_id(incident)}/"
    outage = next(i for i in incidents if i["name"] == "API and dashboard unavailable")
    first = outage["incident_updates"][-1]
    api_id = next(c["id"] for c in outage["components"] if c["name"] == "API")
    assert _affected(first, "API") == {
        "code": api_id,
        "name": "API",
        "old_status": "operational",
        "new_status": "major_outage",
    }


def _id(incident: dict[str, Any]) -> str:
    return incident["shortlink"].rstrip("/").rsplit("/", 1)[1]


def _affected(update: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in update["affected_components"] if c["name"] == name)


def test_ids_are_permanent_and_nothing_depends_on_the_build_time(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    config = source / "mkdocs.yml"
    build_site(config, tmp_path / "a", EXAMPLE_NOW)
    build_site(config, tmp_path / "b", EXAMPLE_NOW + timedelta(minutes=5))
    assert load(tmp_path / "a", "incidents.json") == load(tmp_path / "b", "incidents.json")
    page = load(tmp_path / "a", "summary.json")["page"]
    assert page["updated_at"] == "2026-11-22T09:55:00.000Z"  # the newest time in the data
    shutil.rmtree(source / "incidents/2026-09-08-backups-finished-late")
    build_site(config, tmp_path / "c", EXAMPLE_NOW)
    before = {i["name"]: i["id"] for i in load(tmp_path / "a", "incidents.json")["incidents"]}
    after = {i["name"]: i["id"] for i in load(tmp_path / "c", "incidents.json")["incidents"]}
    assert after.items() <= before.items()
    assert len(after) == len(before) - 1


CLIENT = """
const {Statuspage} = require('statuspage.io');
const client = new Statuspage('unused');
client.setApiUrl(process.argv[2]);
(async () => {
  const api = client.api;
  const results = {
    summary: await api.getSummary(),
    status: await api.getStatus(),
    components: await api.getComponents(),
    incidents: await api.incidents.getAll(),
    unresolved: await api.incidents.getUnresolved(),
    maintenances: await api.scheduledMaintenances.getAll(),
    upcoming: await api.scheduledMaintenances.getUpcoming(),
  };
  process.stdout.write(JSON.stringify(results));
})().catch(error => { console.error(String(error)); process.exit(1); });
"""


def read_with_client(site: Path, tmp_path: Path) -> dict[str, Any]:
    """What the statuspage.io client reads from `site`, served over HTTP."""
    node = require_tool("node")
    require_tool("statuspage.io", str(TOOLS / "node_modules/statuspage.io/package.json"))
    script = tmp_path / "client.js"
    script.write_text(CLIENT)
    with served(site) as root:
        result = subprocess.run(
            [node, str(script), root.rstrip("/")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "NODE_PATH": str(TOOLS / "node_modules")},
        )
    assert result.returncode == 0, result.stderr
    read: dict[str, Any] = json.loads(result.stdout)
    return read


def test_a_real_statuspage_client_reads_the_api(example_site: Path, tmp_path: Path) -> None:
    read = read_with_client(example_site, tmp_path)
    assert read["summary"] == load(example_site, "summary.json")
    assert read["status"]["status"]["indicator"] == "major"
    assert read["components"] == load(example_site, "components.json")
    assert read["incidents"] == load(example_site, "incidents.json")
    assert [i["name"] for i in read["unresolved"]["incidents"]] == ["Webhook deliveries delayed"]
    # This client asks upcoming.json for all maintenances too; it must read that file unchanged.
    assert read["maintenances"] == load(example_site, "scheduled-maintenances/upcoming.json")
    assert read["upcoming"] == load(example_site, "scheduled-maintenances/upcoming.json")

"""Every loader and configuration diagnostic, triggered by a small tree, its full text pinned."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG
from statuspress.configuration.settings import load_settings
from statuspress.diagnostics import format_text, sort_diagnostics
from statuspress.model import load_site

F = "incidents/2026-11-20-api-errors/a.md"
BASE = """---
title: API errors
at: 2026-11-20T14:05:00Z
status: investigating
impact: major
components:
  api: major_outage
next_update: 30m
---
Requests fail.
"""
MAINT = """---
kind: maintenance
title: Database upgrade
at: 2026-11-18T09:00:00Z
status: scheduled
window:
  start: 2026-11-22T02:00:00Z
  end: 2026-11-22T03:00:00Z
components:
  api: under_maintenance
---
The API restarts once.
"""
PM = """---
published: 2026-11-25T10:00:00Z
summary: For 2 hours, API requests failed.
action_items:
  - what: Roll configuration out region by region
    owner: Platform team
    due: 2026-12-15
    status: open
---
## What happened
"""
LATER = "---\nat: 2026-11-20T15:00:00Z\nstatus: resolved\n---\nFixed.\n"
PMF = "incidents/2026-11-20-api-errors/postmortem.md"
M = "incidents/2026-11-18-database-upgrade/a.md"
BOMB = (
    "---\n"
    + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    + "---\n"
)


def sub(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


CASES: dict[str, dict[str, str | bytes]] = {
    "statuses-checked-without-order": {
        F: sub("at: 2026-11-20T14:05:00Z\n", ""),
        "incidents/2026-11-20-api-errors/b.md": LATER.replace("resolved", "closed"),
    },
    "unknown-key": {F: sub("next_update:", "nxt_update:")},
    "duplicate-key": {F: sub("impact: major\n", "impact: major\nimpact: minor\n")},
    "front-matter-unclosed": {F: BASE.replace("---\nRequests", "Requests")},
    "front-matter-missing": {F: "Requests fail.\n"},
    "time-offset": {F: sub("14:05:00Z", "14:05:00")},
    "bad-time": {F: sub("at: 2026-11-20T14:05:00Z", "at: yesterday afternoon")},
    "unknown-component": {F: sub("  api:", "  apii:")},
    "unknown-state": {F: sub("major_outage", "major_outtage")},
    "unknown-state-empty": {F: sub("api: major_outage", "api:")},
    "unknown-status": {F: sub("status: investigating", "status: investigatin")},
    "unknown-status-maintenance": {F: sub("status: investigating", "status: scheduled")},
    "unknown-impact": {F: sub("impact: major", "impact: huge")},
    "bad-duration": {F: sub("30m", "30 minutes")},
    "bad-duration-word": {F: sub("30m", "soon")},
    "bad-duration-zero": {F: sub("30m", "0m")},
    "time-order-eta": {F: sub("next_update: 30m", "eta: 2026-11-20T13:00:00Z")},
    "time-order-next-update": {
        F: sub("next_update: 30m", "next_update: 2026-11-20T14:00:00+00:00")
    },
    "time-order-started": {
        F: sub("next_update: 30m", "next_update: 30m\nstarted: 2026-11-20T15:00:00Z")
    },
    "bad-folder-date": {"incidents/2026-13-01-api-errors/a.md": BASE},
    "bad-folder-slug": {"incidents/2026-11-20-API_errors/a.md": BASE},
    "bad-folder-subfolder": {F: BASE, "incidents/2026-11-20-api-errors/images/a.png": "x"},
    "bad-file-name": {"incidents/2026-11-20-api-errors/first update.md": BASE},
    "encoding-latin1": {F: sub("Requests fail.", "Requêtes").encode("latin-1")},
    "encoding-binary": {F: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
    "empty-file": {F: "\n  \n"},
    "empty-folder": {"incidents/2026-11-20-api-errors/notes.txt": "x"},
    "not-a-mapping": {F: "---\n- title\n- at\n---\nText\n"},
    "not-a-mapping-empty": {F: "---\n---\nText\n"},
    "yaml-tag": {F: sub("title: API errors", "title: !!python/object/apply:os.system [ls]")},
    "yaml-complexity": {F: BOMB},
    "yaml-syntax": {F: sub("title: API errors", "title: [API errors")},
    "missing-at": {F: sub("at: 2026-11-20T14:05:00Z\n", "")},
    "missing-first-keys": {F: sub("title: API errors\n", "").replace("impact: major\n", "")},
    "missing-status": {F: sub("status: investigating\n", "")},
    "missing-window": {
        M: MAINT.replace(
            "window:\n  start: 2026-11-22T02:00:00Z\n  end: 2026-11-22T03:00:00Z\n", ""
        )
    },
    "bad-window": {M: MAINT.replace("03:00:00Z", "01:00:00Z")},
    "bad-window-naive": {
        M: MAINT.replace("start: 2026-11-22T02:00:00Z", "start: 2026-11-22 02:00")
    },
    "bad-value": {F: sub("title: API errors", "title:\n  text: API errors")},
    "kind-mismatch": {
        F: BASE,
        "incidents/2026-11-20-api-errors/b.md": LATER.replace(
            "---\nFixed", "kind: maintenance\n---\nFixed"
        ),
    },
    "started-later": {
        F: BASE,
        "incidents/2026-11-20-api-errors/b.md": LATER.replace(
            "---\nFixed", "started: 2026-11-20T13:00:00Z\n---\nFixed"
        ),
    },
    "folder-date": {"incidents/2026-11-19-api-errors/a.md": BASE},
    "postmortem-unknown-key": {F: BASE, PMF: PM.replace("summary:", "sumary:")},
    "action-item-due": {F: BASE, PMF: PM.replace("due: 2026-12-15", "due: next week")},
    "action-item-status": {F: BASE, PMF: PM.replace("status: open", "status: doing")},
    "action-item-what": {
        F: BASE,
        PMF: PM.replace(
            "  - what: Roll configuration out region by region\n    owner", "  - owner"
        ),
    },
    "action-item-key": {F: BASE, PMF: PM.replace("owner:", "ownr:")},
    "postmortem-published": {
        F: BASE,
        PMF: PM.replace("published: 2026-11-25T10:00:00Z", "published: 2026-11-25"),
    },
}

PLUGIN = (
    "plugins:\n  - statuspress:\n      company: Test\n"
    "      components:\n        - id: api\n          name: API\n"
)
HEAD = "site_name: Test Status\ndocs_dir: incidents\n"
CONFIG_CASES: dict[str, str] = {
    "config-empty": "\n",
    "config-unknown-option": HEAD + PLUGIN + "      uptime_dayz: 30\n",
    "config-component-id": HEAD + PLUGIN.replace("id: api", "id: API!"),
    "config-component-key": HEAD + PLUGIN.replace("name: API", "nmae: API"),
    "config-component-twice": HEAD + PLUGIN + "        - id: api\n          name: API again\n",
    "config-components-not-list": HEAD
    + PLUGIN.replace("\n        - id: api\n          name: API", " api"),
    "config-timezone": HEAD + PLUGIN + "      timezone: Europe/Atlantis\n",
    "config-lint-level": HEAD + PLUGIN + "      lint:\n        generic-statement: loud\n",
    "config-uptime-days": HEAD + PLUGIN + "      uptime_days: -3\n",
    "config-pattern": HEAD + PLUGIN + "      forbidden_patterns:\n        - '[unclosed'\n",
    "config-yaml": HEAD + "plugins: [statuspress\n",
    "config-no-plugin": HEAD + "plugins:\n  - search\n",
    "config-options-not-mapping": HEAD + "plugins:\n  - statuspress: [api]\n",
    "config-not-mapping": "- site_name\n",
    "config-alias-bomb": "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    + "site_name: *a9\n"
    + PLUGIN
    + "      company: *a9\n",
}


EXPECTED = {
    "statuses-checked-without-order": (
        "incidents/2026-11-20-api-errors/a.md:1: error[missing-key]: 'at' is missing\n"
        "  hint: every update needs 'at:', the time it was published, e.g. "
        "'at: 2026-11-20T14:05:00Z'\n"
        "incidents/2026-11-20-api-errors/b.md:3: error[unknown-status]: 'closed' is not an "
        "incident status\n"
        "  hint: use one of: investigating, identified, monitoring, resolved\n"
        "2 errors in 2 files"
    ),
    "unknown-key": (
        "incidents/2026-11-20-api-errors/a.md:8: error[unknown-key]: unknown key "
        "'nxt_update'\n"
        "  hint: did you mean 'next_update'?\n"
        "1 error in 1 file"
    ),
    "duplicate-key": (
        "incidents/2026-11-20-api-errors/a.md:6: error[duplicate-key]: key 'impact' is "
        "given twice (first on line 5)\n"
        "  hint: keep one of them; YAML would silently keep only the last\n"
        "1 error in 1 file"
    ),
    "front-matter-unclosed": (
        "incidents/2026-11-20-api-errors/a.md:1: error[front-matter]: the front matter "
        "is never closed\n"
        "  hint: add a '---' line after the last YAML key; without it the keys would be"
        " published as text\n"
        "1 error in 1 file"
    ),
    "front-matter-missing": (
        "incidents/2026-11-20-api-errors/a.md:1: error[front-matter]: the file does not"
        " start with front matter\n"
        "  hint: start the file with a '---' line, the YAML keys, and a closing '---' "
        "line\n"
        "1 error in 1 file"
    ),
    "time-offset": (
        "incidents/2026-11-20-api-errors/a.md:3: error[time-offset]: 'at' has no UTC "
        "offset: '2026-11-20T14:05:00'\n"
        "  hint: write 2026-11-20T14:05:00Z (UTC) or add an offset such as +02:00\n"
        "1 error in 1 file"
    ),
    "bad-time": (
        "incidents/2026-11-20-api-errors/a.md:3: error[bad-time]: 'at' is not a time: "
        "'yesterday afternoon'\n"
        "  hint: write 2026-11-20T14:05:00Z (UTC) or add an offset such as +02:00\n"
        "1 error in 1 file"
    ),
    "unknown-component": (
        "incidents/2026-11-20-api-errors/a.md:7: error[unknown-component]: unknown "
        "component 'apii'\n"
        "  hint: did you mean 'api'? Components are declared in mkdocs.yml under the "
        "statuspress plugin.\n"
        "1 error in 1 file"
    ),
    "unknown-state": (
        "incidents/2026-11-20-api-errors/a.md:7: error[unknown-state]: 'major_outtage' "
        "is not a component state (component 'api')\n"
        "  hint: did you mean 'major_outage'?\n"
        "1 error in 1 file"
    ),
    "unknown-state-empty": (
        "incidents/2026-11-20-api-errors/a.md:7: error[unknown-state]: component 'api' "
        "has no state\n"
        "  hint: write 'api: major_outage' or another of: operational, "
        "degraded_performance, partial_outage, major_outage, under_maintenance\n"
        "1 error in 1 file"
    ),
    "unknown-status": (
        "incidents/2026-11-20-api-errors/a.md:4: error[unknown-status]: 'investigatin' "
        "is not an incident status\n"
        "  hint: did you mean 'investigating'?\n"
        "1 error in 1 file"
    ),
    "unknown-status-maintenance": (
        "incidents/2026-11-20-api-errors/a.md:4: error[unknown-status]: 'scheduled' is "
        "not an incident status\n"
        "  hint: that is a maintenance status: add 'kind: maintenance' and a 'window' "
        "to the first update, or use one of: investigating, identified, monitoring, "
        "resolved\n"
        "1 error in 1 file"
    ),
    "unknown-impact": (
        "incidents/2026-11-20-api-errors/a.md:5: error[unknown-impact]: 'huge' is not a"
        " valid impact\n"
        "  hint: use one of: none, minor, major, critical\n"
        "1 error in 1 file"
    ),
    "bad-duration": (
        "incidents/2026-11-20-api-errors/a.md:8: error[bad-duration]: 'next_update' is "
        "not a duration: '30 minutes'\n"
        "  hint: write a duration like 30m, 2h, 1h30m or 1d, or an ISO 8601 time\n"
        "1 error in 1 file"
    ),
    "bad-duration-word": (
        "incidents/2026-11-20-api-errors/a.md:8: error[bad-duration]: 'next_update' is "
        "neither a time nor a duration: 'soon'\n"
        "  hint: write a duration like 30m, 2h, 1h30m or 1d, or a time such as "
        "2026-11-20T16:00:00Z\n"
        "1 error in 1 file"
    ),
    "bad-duration-zero": (
        "incidents/2026-11-20-api-errors/a.md:8: error[bad-duration]: 'next_update' is "
        "a duration of zero: '0m'\n"
        "  hint: a promise points to the future: write e.g. 30m, 2h or 1d\n"
        "1 error in 1 file"
    ),
    "time-order-eta": (
        "incidents/2026-11-20-api-errors/a.md:8: error[time-order]: 'eta' "
        "(2026-11-20T13:00:00+00:00) is before the update's 'at' "
        "(2026-11-20T14:05:00+00:00)\n"
        "  hint: a promise points to the future: set 'eta' after 'at', or use a "
        "duration such as 30m\n"
        "1 error in 1 file"
    ),
    "time-order-next-update": (
        "incidents/2026-11-20-api-errors/a.md:8: error[time-order]: 'next_update' "
        "(2026-11-20T14:00:00+00:00) is before the update's 'at' "
        "(2026-11-20T14:05:00+00:00)\n"
        "  hint: a promise points to the future: set 'next_update' after 'at', or use a"
        " duration such as 30m\n"
        "1 error in 1 file"
    ),
    "time-order-started": (
        "incidents/2026-11-20-api-errors/a.md:9: error[time-order]: 'started' is after "
        "the update's 'at'\n"
        "  hint: 'started' is when customer impact began, at or before the first update\n"
        "1 error in 1 file"
    ),
    "bad-folder-date": (
        "incidents/2026-13-01-api-errors: error[bad-folder]: '2026-13-01-api-errors' is"
        " not a valid incident id\n"
        "  hint: name the folder YYYY-MM-DD-slug, with a real date and a lower-case "
        "slug of letters, digits and hyphens, e.g. 2026-11-20-api-errors\n"
        "1 error in 1 file"
    ),
    "bad-folder-slug": (
        "incidents/2026-11-20-API_errors: error[bad-folder]: '2026-11-20-API_errors' is"
        " not a valid incident id\n"
        "  hint: name the folder YYYY-MM-DD-slug, with a real date and a lower-case "
        "slug of letters, digits and hyphens, e.g. 2026-11-20-api-errors\n"
        "1 error in 1 file"
    ),
    "bad-folder-subfolder": (
        "incidents/2026-11-20-api-errors/images: error[bad-folder]: incident folders "
        "hold files, not sub-folders\n"
        "  hint: move the files up into the incident folder\n"
        "1 error in 1 file"
    ),
    "bad-file-name": (
        "incidents/2026-11-20-api-errors/first update.md: error[bad-file-name]: 'first "
        "update.md' is not a safe file name\n"
        "  hint: use letters, digits, '.', '_' and '-' only, starting with a letter or a "
        "digit\n"
        "1 error in 1 file"
    ),
    "encoding-latin1": (
        "incidents/2026-11-20-api-errors/a.md:10: error[encoding]: the file is not "
        "UTF-8 (byte 140)\n"
        "  hint: save the file as UTF-8\n"
        "1 error in 1 file"
    ),
    "encoding-binary": (
        "incidents/2026-11-20-api-errors/a.md: error[encoding]: the file is binary, not"
        " Markdown text\n"
        "  hint: move images and other files out of the way or give them another "
        "extension than .md\n"
        "1 error in 1 file"
    ),
    "empty-file": (
        "incidents/2026-11-20-api-errors/a.md: error[empty-file]: the file is empty\n"
        "  hint: write the front matter between two '---' lines, then the text\n"
        "1 error in 1 file"
    ),
    "empty-folder": (
        "incidents/2026-11-20-api-errors: error[empty-folder]: the incident folder has "
        "no updates\n"
        "  hint: add the first update with 'statuspress new', or remove the folder\n"
        "1 error in 1 file"
    ),
    "not-a-mapping": (
        "incidents/2026-11-20-api-errors/a.md:2: error[not-a-mapping]: the front matter"
        " is not a mapping of keys to values\n"
        "  hint: write 'key: value' lines between the '---' lines\n"
        "1 error in 1 file"
    ),
    "not-a-mapping-empty": (
        "incidents/2026-11-20-api-errors/a.md:1: error[not-a-mapping]: the front matter"
        " is empty\n"
        "  hint: write 'key: value' lines between the '---' lines\n"
        "1 error in 1 file"
    ),
    "yaml-tag": (
        "incidents/2026-11-20-api-errors/a.md:2: error[yaml-tag]: YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed\n"
        "  hint: remove the '!' tag; front matter holds plain text, lists and maps\n"
        "1 error in 1 file"
    ),
    "yaml-complexity": (
        "incidents/2026-11-20-api-errors/a.md:2: error[yaml-complexity]: the front "
        "matter is too large or too deeply nested (YAML aliases expand to too many "
        "values)\n"
        "  hint: write the values out plainly; anchors and aliases are not needed\n"
        "1 error in 1 file"
    ),
    "yaml-syntax": (
        "incidents/2026-11-20-api-errors/a.md:3: error[yaml-syntax]: invalid YAML: "
        "expected ',' or ']', but got ':'\n"
        "  hint: check indentation and quote values that contain ': ' or '#'\n"
        "1 error in 1 file"
    ),
    "missing-at": (
        "incidents/2026-11-20-api-errors/a.md:1: error[missing-key]: 'at' is missing\n"
        "  hint: every update needs 'at:', the time it was published, e.g. 'at: "
        "2026-11-20T14:05:00Z'\n"
        "1 error in 1 file"
    ),
    "missing-first-keys": (
        "incidents/2026-11-20-api-errors/a.md:1: error[missing-key]: 'impact' is "
        "missing in the first update\n"
        "  hint: the first update sets 'impact: major' (none, minor, major or "
        "critical); later updates may leave it out\n"
        "incidents/2026-11-20-api-errors/a.md:1: error[missing-key]: 'title' is missing"
        " in the first update\n"
        "  hint: the first update sets 'title: Elevated error rates on the API'; later "
        "updates may leave it out\n"
        "2 errors in 1 file"
    ),
    "missing-status": (
        "incidents/2026-11-20-api-errors/a.md:1: error[missing-key]: 'status' is "
        "missing\n"
        "  hint: every update says where things stand: investigating, identified, "
        "monitoring, resolved\n"
        "1 error in 1 file"
    ),
    "missing-window": (
        "incidents/2026-11-18-database-upgrade/a.md:1: error[missing-key]: 'window' is "
        "missing in the first update\n"
        "  hint: the first update sets 'window:' with 'start:' and 'end:' times below "
        "it; later updates may leave it out\n"
        "1 error in 1 file"
    ),
    "bad-window": (
        "incidents/2026-11-18-database-upgrade/a.md:8: error[bad-window]: the "
        "maintenance window ends before it starts\n"
        "  hint: make 'end' later than 'start'\n"
        "1 error in 1 file"
    ),
    "bad-window-naive": (
        "incidents/2026-11-18-database-upgrade/a.md:7: error[time-offset]: "
        "'window.start' has no UTC offset or zone: '2026-11-22 02:00'\n"
        "  hint: write 2026-11-20T14:05:00Z (UTC) or add an offset such as +02:00, "
        "or a local time and a zone: 2026-11-29T02:00 Europe/Berlin\n"
        "1 error in 1 file"
    ),
    "bad-value": (
        "incidents/2026-11-20-api-errors/a.md:2: error[bad-value]: 'title' must be text\n"
        "  hint: write 'title: some text'\n"
        "1 error in 1 file"
    ),
    "kind-mismatch": (
        "incidents/2026-11-20-api-errors/b.md:4: error[kind-mismatch]: 'kind' differs "
        "from the first update's\n"
        "  hint: set 'kind' in the first update only\n"
        "1 error in 1 file"
    ),
    "started-later": (
        "incidents/2026-11-20-api-errors/b.md:4: warning[started-later]: 'started' "
        "belongs in the first update only\n"
        "  hint: move it to the first update, or remove it here\n"
        "1 warning in 1 file"
    ),
    "folder-date": (
        "incidents/2026-11-19-api-errors: warning[folder-date]: the folder's date "
        "2026-11-19 is not the date of the first update (2026-11-20)\n"
        "  hint: rename the folder before it is published; once published, keep the id:"
        " it is the incident's permanent URL\n"
        "1 warning in 1 file"
    ),
    "postmortem-unknown-key": (
        "incidents/2026-11-20-api-errors/postmortem.md:3: error[unknown-key]: unknown "
        "key 'sumary'\n"
        "  hint: did you mean 'summary'?\n"
        "1 error in 1 file"
    ),
    "action-item-due": (
        "incidents/2026-11-20-api-errors/postmortem.md:7: error[bad-time]: 'due' is not"
        " a date: 'next week'\n"
        "  hint: write a date as YYYY-MM-DD\n"
        "1 error in 1 file"
    ),
    "action-item-status": (
        "incidents/2026-11-20-api-errors/postmortem.md:8: error[bad-value]: 'doing' is "
        "not a valid status\n"
        "  hint: did you mean 'done'?\n"
        "1 error in 1 file"
    ),
    "action-item-what": (
        "incidents/2026-11-20-api-errors/postmortem.md:5: error[missing-key]: action "
        "item #1 has no 'what'\n"
        "  hint: say what changes, e.g. 'what: Roll configuration out region by region'\n"
        "1 error in 1 file"
    ),
    "action-item-key": (
        "incidents/2026-11-20-api-errors/postmortem.md:6: error[unknown-key]: unknown "
        "action item key 'ownr'\n"
        "  hint: did you mean 'owner'?\n"
        "1 error in 1 file"
    ),
    "postmortem-published": (
        "incidents/2026-11-20-api-errors/postmortem.md:2: error[time-offset]: "
        "'published' has no UTC offset: '2026-11-25'\n"
        "  hint: write 2026-11-20T14:05:00Z (UTC) or add an offset such as +02:00\n"
        "1 error in 1 file"
    ),
}


CONFIG_EXPECTED = {
    "config-empty": (
        "mkdocs.yml: error[config]: mkdocs.yml is empty\n"
        "  hint: start from 'statuspress init', or copy the example of the configuration "
        "reference in the documentation\n"
        "1 error in 1 file"
    ),
    "config-unknown-option": (
        "mkdocs.yml:9: error[config-option]: unknown statuspress option 'uptime_dayz'\n"
        "  hint: did you mean 'uptime_days'?\n"
        "1 error in 1 file"
    ),
    "config-component-id": (
        "mkdocs.yml:7: error[config-option]: option 'components': component id 'API!' "
        "is not valid (lower-case letters, digits, '-' and '_')\n"
        "  hint: list components as '- id: api' with 'name:', and optionally 'group:' "
        "and 'description:'\n"
        "1 error in 1 file"
    ),
    "config-component-key": (
        "mkdocs.yml:7: error[config-option]: option 'components': unknown key 'nmae' in"
        " component #1 (did you mean 'name'?)\n"
        "  hint: list components as '- id: api' with 'name:', and optionally 'group:' "
        "and 'description:'\n"
        "1 error in 1 file"
    ),
    "config-component-twice": (
        "mkdocs.yml:9: error[config-option]: option 'components': component id 'api' is"
        " given twice\n"
        "  hint: list components as '- id: api' with 'name:', and optionally 'group:' "
        "and 'description:'\n"
        "1 error in 1 file"
    ),
    "config-components-not-list": (
        "mkdocs.yml:6: error[config-option]: option 'components': must be a non-empty "
        "list of components with 'id' and 'name'\n"
        "  hint: list components as '- id: api' with 'name:', and optionally 'group:' "
        "and 'description:'\n"
        "1 error in 1 file"
    ),
    "config-timezone": (
        "mkdocs.yml:9: error[config-option]: option 'timezone': unknown time zone "
        "'Europe/Atlantis'\n"
        "  hint: use an IANA zone name such as UTC or Europe/Berlin\n"
        "1 error in 1 file"
    ),
    "config-lint-level": (
        "mkdocs.yml:10: error[config-option]: option 'lint': rule 'generic-statement' "
        "has level 'loud'; use error, warning or off\n"
        "  hint: set each rule id to error, warning or off, e.g. 'generic-statement: "
        "warning'\n"
        "1 error in 1 file"
    ),
    "config-uptime-days": (
        "mkdocs.yml:9: error[config-option]: option 'uptime_days': must be a whole "
        "number of at least 1, not -3\n"
        "  hint: write a whole number such as 90, without quotes\n"
        "1 error in 1 file"
    ),
    "config-pattern": (
        "mkdocs.yml:10: error[config-option]: option 'forbidden_patterns': '[unclosed' "
        "is not a regular expression RE2 accepts (missing ]: [unclosed)\n"
        "  hint: list regular expressions in RE2 syntax, quoted in single quotes: Python's "
        "syntax without backreferences (\\1) or lookaround ((?=...), (?<=...))\n"
        "1 error in 1 file"
    ),
    "config-yaml": (
        "mkdocs.yml:4: error[config]: invalid YAML: expected ',' or ']', but got "
        "'<stream end>'\n"
        "  hint: check the indentation of mkdocs.yml\n"
        "1 error in 1 file"
    ),
    "config-no-plugin": (
        "mkdocs.yml: error[config]: the statuspress plugin is not configured\n"
        "  hint: add '- statuspress:' under 'plugins:' in mkdocs.yml\n"
        "1 error in 1 file"
    ),
    "config-options-not-mapping": (
        "mkdocs.yml:4: error[config]: the statuspress plugin's options are not a "
        "mapping\n"
        "  hint: write the options as 'key: value' lines under '- statuspress:'\n"
        "1 error in 1 file"
    ),
    "config-not-mapping": (
        "mkdocs.yml:1: error[config]: mkdocs.yml is not a mapping\n"
        "  hint: start from 'statuspress init'\n"
        "1 error in 1 file"
    ),
    "config-alias-bomb": (
        "mkdocs.yml:5: error[config]: mkdocs.yml expands to too many values (YAML aliases)\n"
        "  hint: write the values out plainly; anchors and aliases are not needed\n"
        "1 error in 1 file"
    ),
}


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())


def diagnose(root: Path, files: dict[str, str | bytes], config: str = MINIMAL_CONFIG) -> str:
    """The text `check` prints for the loader's findings on this tree."""
    _write(root, {"mkdocs.yml": config, **files})
    (root / "incidents").mkdir(exist_ok=True)
    settings, problems = load_settings(root / "mkdocs.yml")
    if settings is None:
        return format_text(sort_diagnostics(problems))
    _, diagnostics = load_site(root, settings)
    return format_text(sort_diagnostics(diagnostics))


def test_every_case_is_pinned() -> None:
    assert set(CASES) == set(EXPECTED)
    assert set(CONFIG_CASES) == set(CONFIG_EXPECTED)


@pytest.mark.parametrize("name", list(CASES))
def test_content_diagnostic(tmp_path: Path, name: str) -> None:
    assert diagnose(tmp_path, CASES[name]) == EXPECTED[name]


@pytest.mark.parametrize("name", list(CONFIG_CASES))
def test_config_diagnostic(tmp_path: Path, name: str) -> None:
    assert diagnose(tmp_path, {}, CONFIG_CASES[name]) == CONFIG_EXPECTED[name]


def test_each_loader_rule_has_its_own_pinned_case() -> None:
    rules = {
        line.split("[")[1].split("]")[0]
        for text in EXPECTED.values()
        for line in text.splitlines()
        if "[" in line and not line.startswith("  ")
    }
    assert rules >= {
        "unknown-key",
        "duplicate-key",
        "front-matter",
        "time-offset",
        "bad-time",
        "unknown-component",
        "unknown-state",
        "unknown-status",
        "unknown-impact",
        "bad-duration",
        "time-order",
        "bad-folder",
        "bad-file-name",
        "encoding",
        "empty-file",
        "empty-folder",
        "not-a-mapping",
        "yaml-tag",
        "yaml-complexity",
        "yaml-syntax",
        "missing-key",
        "bad-window",
        "bad-value",
        "kind-mismatch",
        "started-later",
        "folder-date",
    }


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    """How fast: python -m benchmarks.stages --guards."""
    text = diagnose(tmp_path, CASES["yaml-complexity"])
    assert "yaml-complexity" in text


def test_deep_nesting_is_refused_without_recursion_error(tmp_path: Path) -> None:
    text = diagnose(tmp_path, {F: "---\ntitle: " + "[" * 3000 + "]" * 3000 + "\n---\n"})
    assert text.startswith(f"{F}:") and "yaml-complexity" in text


def test_missing_content_folder(tmp_path: Path) -> None:
    _write(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG})
    settings, _ = load_settings(tmp_path / "mkdocs.yml")
    assert settings is not None
    _, diagnostics = load_site(tmp_path, settings)
    assert format_text(diagnostics) == (
        "incidents: error[missing-folder]: the content folder 'incidents' does not exist\n"
        "  hint: create it, or run 'statuspress init'\n"
        "1 error in 1 file"
    )


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG + "      max_file_bytes: 100\n"
    assert diagnose(tmp_path, {F: BASE}, config) == (
        f"{F}: error[file-too-large]: the file is 151 bytes, over the limit of 100\n"
        "  hint: shrink it (compress images), or raise 'max_file_bytes' in mkdocs.yml\n"
        "1 error in 1 file"
    )


def test_symlink_out_of_the_folder(tmp_path: Path) -> None:
    _write(tmp_path, {"secret.md": BASE})
    (tmp_path / "incidents/2026-11-20-api-errors").mkdir(parents=True)
    (tmp_path / "incidents/2026-11-20-api-errors/a.md").symlink_to(tmp_path / "secret.md")
    assert diagnose(tmp_path, {}) == (
        f"{F}: error[symlink]: a symlink that points outside the incident folder\n"
        "  hint: copy the file into the folder\n"
        "1 error in 1 file"
    )

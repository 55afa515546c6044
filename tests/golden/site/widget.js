/* statuspress status widget: one tag on another site shows this status site's open incidents
   and maintenance, and nothing while all is well (unless data-always-show).
   <script src="https://status.example.com/widget.js" async
           data-position="bottom-right" data-components="API, Dashboard" data-always-show></script>
   Reads api/v2/summary.json beside this file (the host must allow it cross-origin: GitHub
   Pages sends Access-Control-Allow-Origin: *), draws in a Shadow DOM, says changes politely
   to screen readers, and stays silent if the status site cannot be reached. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || !window.fetch || !Element.prototype.attachShadow) return;
  var base = new URL(".", script.src).href;
  var data = script.dataset;
  var always = "alwaysShow" in data && data.alwaysShow !== "false";
  var position = /^(top|bottom)-(left|right)$|^inline$/.test(data.position || "") ? data.position : "bottom-right";
  var wanted = (data.components || "").split(",").map(function (name) { return name.trim().toLowerCase(); }).filter(Boolean);
  var RANK = { operational: 0, under_maintenance: 1, degraded_performance: 2, partial_outage: 3, major_outage: 4 };
  var LEVEL = ["none", "maintenance", "minor", "major", "critical"];
  // The status site's words, in its language, written here by the build (outputs/widget.py).
  var WORDS = {"lang":"en","dir":"ltr","page":"Status page","states":["Operational","Under maintenance","Degraded performance","Partial outage","Major outage"],"banners":["All Systems Operational","Service Under Maintenance","Degraded Performance","Partial System Outage","Major System Outage"],"statuses":{"investigating":"Investigating","identified":"Identified","monitoring":"Monitoring","resolved":"Resolved","scheduled":"Scheduled","in_progress":"In progress","verifying":"Verifying","completed":"Completed"},"more":"(+%(count)s more)"};
  var ICON = { none: "\u2713", maintenance: "\u2699", minor: "\u25d0", major: "\u25b2", critical: "\u2715" };
  var CSS =
    ":host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;max-width:min(26rem,calc(100vw - 2rem))!important;font:14px/1.4 system-ui,sans-serif!important}" +
    ":host([data-p^=top]){top:1rem!important}:host([data-p^=bottom]){bottom:1rem!important}" +
    ":host([data-p$=left]){left:1rem!important}:host([data-p$=right]){right:1rem!important}" +
    ":host([data-p=inline]){position:static!important;display:inline-block!important}" +
    ".b{--c:#1a7f37;display:block;padding:.5rem .75rem;border:2px solid var(--c);border-radius:.5rem;background:#fff;color:#1d2327;text-decoration:none;box-shadow:0 2px 8px rgba(0,0,0,.2);animation:in .3s ease-out}" +
    ".b:focus-visible{outline:2px solid var(--c);outline-offset:2px}.i{color:var(--c);font-weight:700}.l{text-decoration:underline}" +
    ".minor{--c:#8a6100}.major{--c:#b35900}.critical{--c:#c62828}.maintenance{--c:#3557b7}" +
    "@media (prefers-color-scheme:dark){.b{--c:#4cc26a;background:#14171a;color:#e8eaed}.minor{--c:#e0b64a}.major{--c:#f0a04b}.critical{--c:#ff7b72}.maintenance{--c:#8fa8ff}}" +
    "@keyframes in{from{opacity:0;transform:translateY(.5rem)}}" +
    "@media (prefers-reduced-motion:reduce){.b{animation:none}}";
  var host, region, said;

  function affects(item, ids) {
    return !wanted.length || (item.components || []).some(function (c) { return ids.indexOf(c.id) >= 0; });
  }

  function summarize(summary) {
    var components = (summary.components || []).filter(function (c) {
      return !c.group && (!wanted.length || wanted.indexOf(String(c.name).toLowerCase()) >= 0 || wanted.indexOf(c.id) >= 0);
    });
    var ids = components.map(function (c) { return c.id; });
    var worst = components.reduce(function (most, c) { return Math.max(most, RANK[c.status] || 0); }, 0);
    var incidents = (summary.incidents || []).filter(function (i) { return affects(i, ids); });
    var working = (summary.scheduled_maintenances || []).filter(function (m) {
      return (m.status === "in_progress" || m.status === "verifying") && affects(m, ids);
    });
    var first = incidents[0] || working[0];
    if (!first && !worst && !always) return null;
    var level = incidents.length ? (incidents[0].impact === "none" ? "minor" : incidents[0].impact) : working.length ? "maintenance" : LEVEL[worst];
    var known = first && Object.prototype.hasOwnProperty.call(WORDS.statuses, first.status);
    var status = first && (known ? WORDS.statuses[first.status] : String(first.status).replace(/_/g, " "));
    var text = first ? first.name + " \u2014 " + status : (wanted.length ? WORDS.states : WORDS.banners)[worst];
    var more = incidents.length + working.length - 1;
    if (more > 0) text += " " + WORDS.more.replace("%(count)s", new Intl.NumberFormat(WORDS.lang).format(more));
    return { level: ICON[level] ? level : "major", text: text };
  }

  function show(view) {
    var key = view ? view.level + view.text : "";
    if (key === said) return;
    said = key;
    region.textContent = "";
    if (!view) return;
    var link = document.createElement("a");
    link.className = "b " + view.level;
    link.href = base;
    var icon = link.appendChild(document.createElement("span"));
    icon.className = "i";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = ICON[view.level] + " ";
    link.appendChild(document.createTextNode(view.text + " \u00b7 "));
    var label = link.appendChild(document.createElement("span"));
    label.className = "l";
    label.textContent = WORDS.page;
    region.appendChild(link);
  }

  function mount() {
    host = document.createElement("statuspress-widget");
    host.setAttribute("data-p", position);
    host.setAttribute("lang", WORDS.lang); // read aloud, and set, in the status site's language
    host.setAttribute("dir", WORDS.dir);
    var root = host.attachShadow({ mode: "open" });
    var style = root.appendChild(document.createElement("style"));
    style.textContent = CSS;
    region = root.appendChild(document.createElement("div"));
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    if (position === "inline" && script.parentNode) script.parentNode.insertBefore(host, script.nextSibling);
    else document.body.appendChild(host);
  }

  function load() {
    fetch(base + "api/v2/summary.json", { credentials: "omit", cache: "no-cache" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (summary) {
        if (!summary || typeof summary !== "object") return;
        var view = summarize(summary);
        if (!host) mount(); // the live region exists before anything is said in it
        show(view);
      })
      .catch(function () {})
      .then(function () { setTimeout(load, 300000); });
  }

  if (document.body) load();
  else document.addEventListener("DOMContentLoaded", load);
})();

/* statuspress: the page's times in the reader's own zone (option local_times). */
(function () {
  var data = document.currentScript.dataset;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === data.zone) return;
  var lang = document.documentElement.lang || "en";
  function say(pattern, values) {
    return pattern.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function format(options) {
    options.timeZone = zone;
    return new Intl.DateTimeFormat(lang, options);
  }
  var full = format({ dateStyle: "medium", timeStyle: "short" });
  var clock = format({ timeStyle: "short" });
  var names = new Intl.DateTimeFormat(navigator.language, { timeZone: zone, timeZoneName: "short" });
  document.querySelectorAll("time[datetime]").forEach(function (time) {
    var date = new Date(time.getAttribute("datetime")), text = time.textContent;
    if (isNaN(date) || !/\d[:.]\d\d/.test(text)) return;
    var name = names.formatToParts(date).filter(function (p) { return p.type === "timeZoneName"; });
    var dated = text.indexOf(String(date.getUTCFullYear())) >= 0;
    time.title = text;
    time.textContent = say(data.yourTime, {
      time: (dated ? full : clock).format(date), zone: name.length ? name[0].value : zone
    });
  });
  var note = document.getElementById("zone-note");
  if (note) note.textContent = say(data.note, { zone: zone });
})();

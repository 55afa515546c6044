/* statuspress: the page's times in the reader's own zone (option local_times). */
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === document.currentScript.dataset.zone) return;
  function fmt(options) {
    options.timeZone = zone;
    return function (date, type) {
      var parts = new Intl.DateTimeFormat(options.lang || "en-US", options).formatToParts(date);
      for (var i = 0; i < parts.length; i++) if (parts[i].type === type) return parts[i].value;
    };
  }
  var part = fmt({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var name = fmt({ lang: navigator.language, timeZoneName: "short" });
  document.querySelectorAll("time[datetime]").forEach(function (time) {
    var date = new Date(time.getAttribute("datetime")), text = time.textContent;
    if (isNaN(date) || !/\d:\d\d/.test(text)) return;
    time.title = text;
    time.textContent = (text.indexOf(",") > 0 ? part(date, "day") + " " + part(date, "month") + " " + part(date, "year") + ", " : "") +
      part(date, "hour") + ":" + part(date, "minute") + " your time (" + name(date, "timeZoneName") + ")";
  });
  var note = document.getElementById("zone-note");
  if (note) note.textContent = "Times are shown in your time zone, " + zone + ".";
})();

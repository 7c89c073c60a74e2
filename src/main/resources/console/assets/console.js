// Times are sent in UTC (ISO 8601) and shown in the viewer's time zone; filters carry that zone
// so a "since" typed here means the viewer's local time. No inline scripts: the page's policy
// allows only files from this origin.
(function () {
  'use strict';
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

  function left(until) {
    var minutes = Math.round((until.getTime() - Date.now()) / 60000);
    if (minutes <= 0) { return 'due now'; }
    if (minutes < 60) { return minutes + ' min'; }
    var hours = Math.floor(minutes / 60);
    if (hours < 48) { return hours + ' h ' + (minutes % 60) + ' min'; }
    return Math.floor(hours / 24) + ' days';
  }

  function localise(root) {
    root.querySelectorAll('time[data-local]').forEach(function (el) {
      var when = new Date(el.getAttribute('datetime'));
      if (!isNaN(when)) { el.textContent = format.format(when); el.title = el.getAttribute('datetime'); }
    });
    root.querySelectorAll('time[data-until]').forEach(function (el) {
      var when = new Date(el.getAttribute('datetime'));
      if (!isNaN(when)) { el.textContent = left(when); el.title = format.format(when); }
    });
    root.querySelectorAll('input[data-timezone]').forEach(function (el) {
      if (!el.value) { el.value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; }
    });
  }

  document.addEventListener('DOMContentLoaded', function () { localise(document); });
  document.addEventListener('htmx:afterSwap', function (event) { localise(event.target.parentNode || document); });
}());

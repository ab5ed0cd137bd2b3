// Live refresh: when the server says a case changed, reload the live region through htmx.
document.addEventListener('DOMContentLoaded', function () {
  var region = document.querySelector('[data-live-source]');
  if (!region || !window.EventSource || !window.htmx) return;
  var source = new EventSource(region.getAttribute('data-live-source'));
  var pending = null;
  source.addEventListener('changed', function () {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      var target = '#' + region.getAttribute('data-live-target');
      window.htmx.ajax('GET', window.location.pathname + window.location.search, { target: target, select: target, swap: 'outerHTML' });
    }, 200);
  });
});

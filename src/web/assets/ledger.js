// The ledger's weekly chart: met vs. late deadlines, drawn by Chart.js from the numbers in the page.
document.addEventListener('DOMContentLoaded', function () {
  var canvas = document.getElementById('weekly-chart');
  if (!canvas || !window.Chart) return;
  var weeks = JSON.parse(canvas.getAttribute('data-weeks'));
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: weeks.map(function (w) { return w.week; }),
      datasets: [
        { label: canvas.getAttribute('data-met') || 'Met', data: weeks.map(function (w) { return w.met; }), backgroundColor: '#1f6f43' },
        { label: canvas.getAttribute('data-late') || 'Late', data: weeks.map(function (w) { return w.late; }), backgroundColor: '#a11d1d' },
      ],
    },
    options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
});

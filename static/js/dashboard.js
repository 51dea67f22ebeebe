// Draws the dashboard's charts with the vendored Chart.js: a trend line per target and the status
// breakdown per criterion. Data comes from the page (json_script), never from another server.
(function () {
  "use strict";
  var COLOURS = { met: "#1e7b34", on_track: "#2e6da4", at_risk: "#d08a00", behind: "#b42318", no_data: "#9aa3ad" };

  function vnNumber(value) {
    return value === null || value === undefined ? "—" : Number(value).toLocaleString("vi-VN", { maximumFractionDigits: 2 });
  }

  function drawTrends(data) {
    document.querySelectorAll("canvas[data-trend]").forEach(function (canvas) {
      var series = data.trends[canvas.dataset.trend];
      if (!series) { return; }
      var datasets = [{ data: series.values, borderColor: COLOURS[canvas.dataset.status] || "#2e6da4",
                        backgroundColor: "transparent", borderWidth: 2, pointRadius: 2, spanGaps: true, tension: 0.2 }];
      if (series.goal !== null) {
        datasets.push({ data: series.values.map(function () { return series.goal; }), borderColor: "#9aa3ad",
                        borderDash: [4, 3], borderWidth: 1, pointRadius: 0 });
      }
      new Chart(canvas, {
        type: "line",
        data: { labels: series.labels, datasets: datasets },
        options: { responsive: false, animation: false, plugins: { legend: { display: false },
                   tooltip: { callbacks: { label: function (ctx) { return vnNumber(ctx.parsed.y); } } } },
                   scales: { x: { display: false }, y: { display: false } } }
      });
    });
  }

  function drawBreakdown(data) {
    var canvas = document.getElementById("status-breakdown");
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.breakdown.labels, datasets: data.breakdown.datasets.map(function (d) {
        return { label: d.label, data: d.data, backgroundColor: COLOURS[d.status] };
      }) },
      options: { indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
                 scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
                 plugins: { legend: { position: "bottom" } } }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    drawTrends(data);
    drawBreakdown(data);
  });
})();

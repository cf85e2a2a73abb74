/* Draws the workload dashboard's charts from the JSON the page carries.
   Every chart has a table with the same figures next to it. */
(function () {
  "use strict";
  var source = document.getElementById("workload-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { over: "#b02a37", busy: "#b35c00", ok: "#146c43", unknown: "#6c757d" };
  var grid = { color: "#dee2e6" };

  function chart(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }

  var peopleBox = document.querySelector('[data-chart="people"]');
  if (peopleBox && data.people.length) {
    peopleBox.style.height = Math.max(160, 36 * data.people.length + 60) + "px";
  }
  chart("chart-people", {
    type: "bar",
    data: {
      labels: data.people.map(function (p) { return p.name; }),
      datasets: [
        { label: data.labels.responsible,
          data: data.people.map(function (p) { return p.hours; }),
          backgroundColor: data.people.map(function (p) { return colours[p.state] || colours.unknown; }) },
        { label: data.labels.budget,
          data: data.people.map(function (p) { return p.budget; }),
          backgroundColor: "rgba(10, 88, 202, 0.25)", borderColor: "#0a58ca", borderWidth: 1 }
      ]
    },
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
               scales: { x: { beginAtZero: true, grid: grid }, y: { grid: { display: false } } } }
  });

  chart("chart-groups", {
    type: "bar",
    data: {
      labels: data.groups.map(function (g) { return g.label; }),
      datasets: [
        { label: data.labels.needed,
          data: data.groups.map(function (g) { return g.needed; }), backgroundColor: "#6c757d" },
        { label: data.labels.assigned,
          data: data.groups.map(function (g) { return g.assigned; }), backgroundColor: "#0a58ca" }
      ]
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               scales: { y: { beginAtZero: true, grid: grid } } }
  });

  chart("chart-trend", {
    type: "line",
    data: {
      labels: data.trend.map(function (t) { return t.day; }),
      datasets: [
        { label: data.labels.needed,
          data: data.trend.map(function (t) { return t.needed; }), borderColor: "#6c757d" },
        { label: data.labels.budget, data: data.trend.map(function (t) { return t.budget; }), borderColor: "#0a58ca" },
        { label: data.labels.assigned,
          data: data.trend.map(function (t) { return t.assigned; }), borderColor: "#146c43" }
      ]
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               scales: { y: { beginAtZero: true, grid: grid } } }
  });
})();

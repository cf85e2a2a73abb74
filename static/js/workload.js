/* Draws the workload dashboard's charts from the JSON the page carries.
   Every chart has a table with the same figures next to it. */
(function () {
  "use strict";
  var source = document.getElementById("workload-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  // The states, most serious first, with their words and colours, come with the figures.
  var states = {};
  data.states.forEach(function (s) { states[s.key] = s; });
  var fallback = data.states[data.states.length - 1];
  function stateOf(key) { return states[key] || fallback; }
  var grid = { color: "#dee2e6" };
  // The axes write numbers in the page's language ("1.400" or "1,400"), not the browser's.
  Chart.defaults.locale = document.documentElement.lang || "nl";

  function chart(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }

  // One legend entry per state the bars show, in its colour, then the budget: a single
  // "hours carried" swatch in the first bar's colour would not explain the others.
  function peopleLegend(chartInstance) {
    var shown = {};
    data.people.forEach(function (p) { shown[stateOf(p.state).key] = true; });
    var items = data.states.filter(function (s) { return shown[s.key]; })
      .map(function (s) {
        return { text: data.labels.responsible + ": " + s.label, fillStyle: s.colour,
                 strokeStyle: s.colour, lineWidth: 0, datasetIndex: 0, hidden: false };
      });
    var budget = chartInstance.data.datasets[1];
    items.push({ text: budget.label, fillStyle: budget.backgroundColor, strokeStyle: budget.borderColor,
                 lineWidth: 1, datasetIndex: 1, hidden: !chartInstance.isDatasetVisible(1) });
    return items;
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
          backgroundColor: data.people.map(function (p) { return stateOf(p.state).colour; }) },
        { label: data.labels.budget,
          data: data.people.map(function (p) { return p.budget; }),
          backgroundColor: "rgba(10, 88, 202, 0.25)", borderColor: "#0a58ca", borderWidth: 1 }
      ]
    },
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
               scales: { x: { beginAtZero: true, grid: grid }, y: { grid: { display: false } } },
               plugins: { legend: { labels: { generateLabels: peopleLegend } } } }
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
    // Horizontal bars: the group names get a line each instead of overlapping under the axis.
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
               scales: { x: { beginAtZero: true, grid: grid }, y: { grid: { display: false } } } }
  });

  // A day shows as a dot, a week as a line with dots, a year as a line with a dozen dates.
  var many = data.trend.length > 60;
  var point = { pointRadius: many ? 0 : 4, pointHoverRadius: 5, showLine: data.trend.length > 1 };
  function line(label, key, colour) {
    return Object.assign({ label: label, borderColor: colour, backgroundColor: colour,
                           data: data.trend.map(function (t) { return t[key]; }) }, point);
  }
  chart("chart-trend", {
    type: "line",
    data: {
      labels: data.trend.map(function (t) { return t.label; }),
      datasets: [
        line(data.labels.needed, "needed", "#6c757d"),
        line(data.labels.budget, "budget", "#0a58ca"),
        line(data.labels.assigned, "assigned", "#146c43")
      ]
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               scales: { x: { ticks: { autoSkip: true, maxTicksLimit: 12, maxRotation: 0 } },
                         y: { beginAtZero: true, grid: grid } } }
  });
})();

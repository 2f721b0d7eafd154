// dangvien reports: the dashboard's charts (Chart.js from npm), the year picker, printing,
// the funnel bars and the quota page's running sum. Every number is also in a table.
(function () {
  "use strict";

  var RED = "#a50e15";
  var GOLD = "#e0a800";
  var BLUE = "#0d6efd";
  var GREY = "#6c757d";
  var charts = [];

  function numberFormat(value, digits) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString(document.documentElement.lang || "vi", {
      maximumFractionDigits: digits,
    });
  }

  function admissionsChart(canvas, data) {
    return new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.barLabel, data: data.bars, backgroundColor: RED, order: 2 },
          {
            type: "line", label: data.lineLabel, data: data.line, borderColor: GOLD,
            backgroundColor: GOLD, borderDash: [6, 4], pointRadius: 3, spanGaps: false, order: 1,
          },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return numberFormat(v, 0); } } } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + numberFormat(c.raw, 0); } } },
        },
      },
    });
  }

  function ratesChart(canvas, data) {
    var colours = [BLUE, RED];
    var datasets = data.series.map(function (s, i) {
      return { type: "line", label: s.label, data: s.data, borderColor: colours[i], backgroundColor: colours[i], pointRadius: 3 };
    });
    data.targets.forEach(function (t, i) {
      datasets.push({
        type: "line", label: t.label, data: t.data, borderColor: colours[i], borderDash: [6, 4],
        borderWidth: 1, pointRadius: 0, backgroundColor: "transparent",
      });
    });
    var values = [].concat.apply([], datasets.map(function (d) { return d.data; }))
      .filter(function (v) { return v !== null; });
    var low = values.length ? Math.max(0, Math.floor(Math.min.apply(null, values) / 5) * 5 - 5) : 0;
    return new Chart(canvas, {
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { min: low, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 18 } },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + numberFormat(c.raw, 1) + "%"; } } },
        },
      },
    });
  }

  function drawCharts() {
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    var admissions = document.getElementById("admissions-chart");
    var rates = document.getElementById("rates-chart");
    if (admissions) charts.push(admissionsChart(admissions, data.admissions));
    if (rates) charts.push(ratesChart(rates, data.rates));
    document.documentElement.dataset.chartsReady = "1";
  }

  function funnelBars() {
    var bars = document.querySelectorAll(".funnel-bar");
    var top = 0;
    bars.forEach(function (bar) { top = Math.max(top, Number(bar.dataset.count)); });
    bars.forEach(function (bar) {
      bar.style.width = (top ? (100 * Number(bar.dataset.count)) / top : 0) + "%";
    });
  }

  function quotaSum() {
    var table = document.getElementById("quota-table");
    if (!table) return;
    var inputs = table.querySelectorAll("input.quota");
    var sumBox = document.getElementById("children-sum");
    var note = document.getElementById("sum-note");
    var parentValue = document.getElementById("parent-quota").dataset.value;
    function update() {
      var sum = 0;
      inputs.forEach(function (input) { sum += Number(input.value) || 0; });
      sumBox.textContent = numberFormat(sum, 0);
      if (parentValue === "") { note.textContent = ""; return; }
      var gap = sum - Number(parentValue);
      note.className = "align-self-center small " + (gap === 0 ? "text-success" : "text-warning");
      note.textContent = gap === 0 ? note.dataset.equal
        : (gap > 0 ? note.dataset.over : note.dataset.under) + " " + numberFormat(Math.abs(gap), 0);
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    funnelBars();
    quotaSum();
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
  // Charts keep their size when printed (A4 is narrower than the screen).
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
  if (window.matchMedia) {
    window.matchMedia("print").addEventListener("change", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
})();

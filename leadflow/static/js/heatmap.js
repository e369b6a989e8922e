// Commitment fulfilment heat map (rep × product line). Data comes from a json_script tag.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("heatmap");
  var source = document.getElementById("heatmap-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.cells.length) { el.style.display = "none"; return; }
  var rateLabel = el.dataset.rateLabel, dueLabel = el.dataset.dueLabel;
  el.style.height = Math.max(220, 36 * data.reps.length + 90) + "px";
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {
      formatter: function (p) {
        var c = p.data.cell;
        return data.reps[c.y].name + " · " + data.product_lines[c.x].name + "<br>" +
          rateLabel + ": " + (c.rate === null ? "—" : Math.round(c.rate * 100) + "%") + "<br>" + dueLabel + ": " + c.due;
      }
    },
    grid: { left: 90, right: 20, top: 10, bottom: 70, containLabel: false },
    xAxis: { type: "category", data: data.product_lines.map(function (l) { return l.name; }), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "category", data: data.reps.map(function (r) { return r.name; }) },
    visualMap: { min: 0, max: 100, calculable: false, orient: "horizontal", left: "center", bottom: 0,
                 inRange: { color: ["#c62828", "#f9a825", "#2e7d32"] }, text: ["100%", "0%"] },
    series: [{
      type: "heatmap",
      data: data.cells.map(function (c) {
        return { value: [c.x, c.y, c.rate === null ? null : Math.round(c.rate * 100)], cell: c };
      }),
      label: { show: true, formatter: function (p) { return p.value[2] === null ? "—" : p.value[2] + "%"; } }
    }]
  });
  chart.on("click", function (p) { if (p.data && p.data.cell && p.data.cell.url) { window.location.href = p.data.cell.url; } });
  window.addEventListener("resize", function () { chart.resize(); });
});

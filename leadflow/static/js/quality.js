// Data-quality page: findings per week (refused / confirmed / held) as stacked bars.
// Data comes from a json_script tag; clicking a bar opens the log rows behind it.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("quality-trend");
  var source = document.getElementById("quality-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colors = { refused: "#c62828", confirmed: "#f9a825", held: "#1565c0" };
  el.style.height = "260px";
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 36, right: 12, top: 36, bottom: 48 },
    xAxis: { type: "category", data: data.weeks, axisLabel: { rotate: 45 } },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map(function (s) {
      return { type: "bar", stack: "all", name: s.name, data: s.data, itemStyle: { color: colors[s.key] } };
    })
  });
  chart.on("click", function (p) {
    var s = data.series[p.seriesIndex];
    if (s && s.urls && s.urls[p.dataIndex]) { window.location.href = s.urls[p.dataIndex]; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
});

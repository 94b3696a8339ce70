// Dashboard charts (Apache ECharts) and the print button. The data comes from the
// json_script element "dashboard-data"; no inline script or style (Content-Security-Policy).
(function () {
  "use strict";

  const BRAND = "#c7000b";
  const PALETTE = [BRAND, "#5470c6", "#91cc75", "#fac858", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc", "#8c8c8c"];

  // Numbers as docs/numbers.md writes them: the server picks one unit per axis (元, 万元 or
  // 亿元; yuan, million or billion yuan in English) and says whether ticks are whole counts.
  const LOCALE = document.documentElement.lang && document.documentElement.lang.startsWith("en") ? "en" : "zh-CN";

  // One formatter for every label (toLocaleString would build one per call).
  const NUMBER_FORMAT = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });

  function grouped(value) {
    return NUMBER_FORMAT.format(Number(value) || 0);
  }

  // The tick label: the value in the axis unit, no unit (the axis is named by it).
  function tickFormatter(axis) {
    return (value) => grouped((Number(value) || 0) / axis.divisor);
  }

  // Tooltips: the value in the axis unit, with the unit.
  function valueFormatter(axis) {
    const space = LOCALE === "en" ? " " : "";
    return (value) => {
      const number = grouped((Number(value) || 0) / axis.divisor);
      return axis.unit && Number(value) ? number + space + axis.unit : number;
    };
  }

  // The page's own font stack (portal.css: the Chinese fonts named before the browser's
  // fallback) for the text drawn on the canvas too: ECharts' default "sans-serif" makes the
  // browser look for a font with each Chinese character, on every label measured.
  let fontFamily = "sans-serif";

  // Tooltips drawn on the chart's canvas: ECharts' HTML tooltips write style attributes into
  // their markup, which the Content-Security-Policy (style-src 'self') blocks.
  const TOOLTIP_MODE = "richText";

  function valueAxis(axis) {
    const option = { type: "value", name: axis.unit, nameTextStyle: { fontSize: 10, align: "left" }, axisLabel: { formatter: tickFormatter(axis), fontSize: 10 } };
    if (axis.integer) option.minInterval = 1;
    return option;
  }

  function trendOption(data, key) {
    const metric = data.metrics[key];
    const format = valueFormatter(metric.axis);
    const series = [{ name: data.currentLabel, type: "bar", data: metric.current, itemStyle: { color: BRAND } }];
    if (data.previousLabel && metric.previous.length) {
      series.push({
        name: data.previousLabel,
        type: "line",
        data: metric.previous,
        symbolSize: 4,
        itemStyle: { color: "#8c8c8c" },
        lineStyle: { type: "dashed" },
      });
    }
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: fontFamily },
      tooltip: { trigger: "axis", renderMode: TOOLTIP_MODE, valueFormatter: format },
      legend: { bottom: 0, textStyle: { fontSize: 11 } },
      grid: { left: 8, right: 12, top: metric.axis.unit ? 28 : 16, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: data.months, axisLabel: { fontSize: 10 } },
      yAxis: valueAxis(metric.axis),
      series: series,
    };
  }

  function splitOption(split) {
    const format = valueFormatter(split.axis);
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: fontFamily },
      tooltip: { trigger: "item", renderMode: TOOLTIP_MODE, valueFormatter: format },
      series: [
        {
          type: "pie",
          radius: ["35%", "65%"],
          center: ["50%", "52%"],
          data: split.items,
          label: { formatter: "{b}\n{d}%", fontSize: 10 },
        },
      ],
    };
  }

  // When every chart of the page has finished its first rendering (ECharts' "finished" event),
  // <html data-charts-drawn="N"> and the performance mark "charts-drawn" say so: the browser
  // journeys and benchmarks/browser.py wait for them. ECharts usually fires "finished" inside
  // setOption (it renders at once), sometimes in a later frame: the page counts as drawn once
  // every chart has been set up and has finished.
  const pending = new Set();
  let expected = 0;
  let allSetUp = false;

  function finished(el) {
    pending.delete(el);
    if (!allSetUp || pending.size || document.documentElement.dataset.chartsDrawn) return;
    performance.mark("charts-drawn");
    document.documentElement.dataset.chartsDrawn = String(expected);
  }

  function draw(el, option, charts) {
    let chart = window.echarts.getInstanceByDom(el);
    if (!chart) {
      chart = window.echarts.init(el);
      pending.add(el);
      expected += 1;
      chart.on("finished", () => finished(el));
    }
    chart.setOption(option, true);
    if (!charts.includes(chart)) charts.push(chart);
    return chart;
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll("[data-print]")) {
      button.addEventListener("click", () => window.print());
    }
    const source = document.getElementById("dashboard-data");
    if (!source) return;
    if (!window.echarts) {
      // The bundle is built by `make deps` (npm run build); a system check stops the server without it.
      document.documentElement.dataset.chartsDrawn = "unavailable";
      console.error("ECharts (vendor/echarts/echarts-portal.min.js) did not load: the charts cannot be drawn.");
      return;
    }
    fontFamily = getComputedStyle(document.body).fontFamily || fontFamily;
    const data = JSON.parse(source.textContent);
    const charts = [];
    for (const el of document.querySelectorAll("[data-trend]")) {
      if (data.metrics[el.dataset.trend]) draw(el, trendOption(data, el.dataset.trend), charts);
    }
    const splits = Object.fromEntries(data.splits.map((split) => [split.id, split]));
    for (const el of document.querySelectorAll("[data-split]")) {
      if (splits[el.dataset.split]) draw(el, splitOption(splits[el.dataset.split]), charts);
    }
    for (const select of document.querySelectorAll("[data-trend-select]")) {
      const target = document.getElementById(select.dataset.trendSelect);
      select.value = target.dataset.trend;
      select.addEventListener("change", () => {
        target.dataset.trend = select.value;
        draw(target, trendOption(data, select.value), charts);
      });
    }
    allSetUp = true;
    finished(null);
    const resize = () => charts.forEach((chart) => chart.resize());
    window.addEventListener("resize", resize);
    window.addEventListener("beforeprint", resize);
    window.addEventListener("afterprint", resize);
  });
})();

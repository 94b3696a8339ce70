// The parts of Apache ECharts the dashboards draw with (static/portal/dashboard.js): bar and
// line trends on a category/value grid, pie (ring) splits, the axis and item tooltips and the
// legend, on the canvas renderer. `npm run build` bundles this file with esbuild into
// build/static/vendor/echarts/echarts-portal.min.js (served as a static file, never committed);
// a chart type or component that dashboard.js starts to use must be added here.
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

window.echarts = echarts;

// Line charts as inline SVG: axes with ticks, one path per series, an optional dashed reference line,
// a legend. No script and no external reference, so the page draws offline and in any browser.
import { html, num, type SafeHtml } from './html';

export type Point = [x: number, y: number];

export interface Series {
  name: string;
  points: Point[];
  /** Mark each point (a reliability curve's bins) besides joining them. */
  markers?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Domains default to the data's range (from 0 when the data is non-negative). */
  x?: [number, number];
  y?: [number, number];
  /** Ticks on x only at whole numbers (epochs). */
  wholeX?: boolean;
  /** A dashed line such as the diagonal of a ROC or reliability plot. */
  reference?: { name: string; points: Point[] };
}

const WIDTH = 440;
const HEIGHT = 300;
const MARGIN = { left: 56, right: 12, top: 28, bottom: 44 };
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const finite = (p: Point) => Number.isFinite(p[0]) && Number.isFinite(p[1]);

export function lineChart(chart: LineChart): SafeHtml {
  const series = chart.series.map((s) => ({ ...s, points: s.points.filter(finite) })).filter((s) => s.points.length >= 2);
  if (series.length === 0) return html`<p class="empty">${chart.title}: nothing recorded to draw.</p>`;
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = chart.x ?? domain(all.map((p) => p[0]));
  const [y0, y1] = chart.y ?? domain(all.map((p) => p[1]));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const d = (points: Point[]) => points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join(' ');
  const xTicks = ticks(x0, x1, chart.wholeX ? 1 : 0);
  const yTicks = ticks(y0, y1);
  const bottom = MARGIN.top + plotH;
  return html`<figure class="chart">
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${chart.title}">
      <text x="${WIDTH / 2}" y="16" text-anchor="middle" class="title">${chart.title}</text>
      <g class="grid">
        ${yTicks.map((t) => html`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" />`)}
      </g>
      <g class="axis">
        <line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}" />
        <line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" />
        ${xTicks.map((t) => html`<text x="${sx(t).toFixed(1)}" y="${bottom + 14}" text-anchor="middle">${label(t, xTicks)}</text>`)}
        ${yTicks.map((t) => html`<text x="${MARGIN.left - 4}" y="${(sy(t) + 3).toFixed(1)}" text-anchor="end">${label(t, yTicks)}</text>`)}
        <text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${chart.xLabel}</text>
        <text transform="translate(12 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${chart.yLabel}</text>
      </g>
      ${chart.reference ? html`<path class="reference" d="${d(chart.reference.points)}" />` : ''}
      ${series.map(
        (s, i) =>
          html`<g class="series" data-series="${s.name}">
            <path d="${d(s.points)}" stroke="${PALETTE[i % PALETTE.length]}" />
            ${s.markers ? s.points.map(([x, y]) => html`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${PALETTE[i % PALETTE.length]}" />`) : ''}
          </g>`,
      )}
    </svg>
    <figcaption>
      ${series.map((s, i) => html`<span class="key"><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${s.name}</span>`)}${
        chart.reference ? html`<span class="key"><span class="swatch reference"></span>${chart.reference.name}</span>` : ''
      }
    </figcaption>
  </figure>`;
}

/** The values' range, from 0 when none is negative and 0 is near, widened a little so lines do not sit on the frame. */
function domain(values: number[]): [number, number] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || Math.abs(max) || 1;
  const low = min >= 0 && min < span * 2 ? 0 : min - span * 0.05;
  return [low, max + span * 0.05];
}

/** About five round tick values inside [from, to], at least minStep apart. */
function ticks(from: number, to: number, minStep = 0): number[] {
  const raw = Math.max((to - from) / 5 || 1, minStep);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-9))!;
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** As many decimals as the ticks' step needs. */
function label(value: number, all: number[]): string {
  const step = all.length > 1 ? all[1]! - all[0]! : 1;
  return num(value, Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))));
}

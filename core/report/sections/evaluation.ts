// ROC and reliability curves of every evaluated model on the holdout, and the per-slice table.
import type { EvaluationFile } from '../../evaluation/evaluation-file';
import { html, num, type SafeHtml } from '../html';
import { lineChart, type Point } from '../svg-plot';
import { evaluatedModels } from './models';

const DIAGONAL: Point[] = [
  [0, 0],
  [1, 1],
];

export function evaluationSection(evaluation: EvaluationFile | undefined): SafeHtml {
  if (!evaluation)
    return html`<section id="evaluation">
      <h2>Evaluation</h2>
      <p class="empty">No evaluation recorded.</p>
    </section>`;
  const models = evaluatedModels(evaluation);
  const roc = lineChart({
    title: 'ROC on the holdout',
    xLabel: 'false positive rate',
    yLabel: 'true positive rate',
    x: [0, 1],
    y: [0, 1],
    series: models.map((m) => ({ name: `${m.name} (AUC ${num(m.overall.auc)})`, points: (m.roc ?? []).map((p): Point => [p.fpr, p.tpr]) })),
    reference: { name: 'chance', points: DIAGONAL },
  });
  const bins = models.flatMap((m) => m.overall.reliability);
  const top = Math.max(...bins.flatMap((b) => [b.meanPredicted, b.observedRate]), 1e-6) * 1.05;
  const reliability = lineChart({
    title: 'Reliability (equal-count bins)',
    xLabel: 'mean predicted click rate',
    yLabel: 'observed click rate',
    x: [0, top],
    y: [0, top],
    series: models.map((m) => ({ name: m.name, markers: true, points: m.overall.reliability.map((b): Point => [b.meanPredicted, b.observedRate]) })),
    reference: {
      name: 'perfectly calibrated',
      points: [
        [0, 0],
        [top, top],
      ],
    },
  });
  return html`<section id="evaluation">
    <h2>Evaluation on the holdout</h2>
    <div class="charts">${roc}${reliability}</div>
    ${models.some((m) => !m.roc) ? html`<p class="note">ROC points were not recorded for every model (an evaluation written before they were).</p>` : ''}
    ${sliceTable(models)}
  </section>`;
}

function sliceTable(models: ReturnType<typeof evaluatedModels>): SafeHtml {
  const [candidate, ...rivals] = models;
  const rows = candidate!.slices;
  if (rows.length === 0) return html`<p class="empty">No slice had enough rows and clicks to report.</p>`;
  const rivalAuc = (column: string, value: string) =>
    rivals.map((r) => html`<td>${num(r.slices.find((s) => s.column === column && s.value === value)?.metrics.auc)}</td>`);
  return html`<h3>Per slice (candidate, with each rival's AUC)</h3>
    <table class="numbers slices">
      <thead>
        <tr>
          <th>column</th>
          <th>value</th>
          <th>impressions</th>
          <th>clicks</th>
          <th>AUC</th>
          <th>log loss</th>
          <th>calibration</th>
          ${rivals.map((r) => html`<th>AUC ${r.name}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (s) =>
            html`<tr>
              <td>${s.column}</td>
              <td>${s.value}</td>
              <td>${s.metrics.count}</td>
              <td>${s.metrics.positives}</td>
              <td>${num(s.metrics.auc)}</td>
              <td>${num(s.metrics.logLoss)}</td>
              <td>${num(s.metrics.calibration, 3)}</td>
              ${rivalAuc(s.column, s.value)}
            </tr>`,
        )}
      </tbody>
    </table>`;
}

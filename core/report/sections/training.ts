// Training and validation loss per epoch for each tuning trial and the baseline.
import { html, num, type SafeHtml } from '../html';
import type { TrainingHistory } from '../report-inputs';
import { lineChart, type Point } from '../svg-plot';

export function trainingSection(trainings: TrainingHistory[]): SafeHtml {
  if (trainings.length === 0)
    return html`<section id="training">
      <h2>Training</h2>
      <p class="empty">No training report recorded.</p>
    </section>`;
  const charts = trainings.map((t) =>
    lineChart({
      title: `${t.name}: loss per epoch (best epoch ${t.bestEpoch})`,
      xLabel: 'epoch',
      wholeX: true,
      x: [1, Math.max(2, ...t.history.map((e) => e.epoch))],
      yLabel: 'log loss',
      series: [
        { name: 'train', markers: true, points: t.history.map((e): Point => [e.epoch, e.trainLoss]) },
        { name: 'validation', markers: true, points: t.history.map((e): Point => [e.epoch, e.validationLoss]) },
      ],
    }),
  );
  return html`<section id="training">
    <h2>Training</h2>
    <div class="charts">${charts}</div>
    <table class="numbers">
      <thead>
        <tr>
          <th>training</th>
          <th>epoch</th>
          <th>phase</th>
          <th>train loss</th>
          <th>validation loss</th>
          <th>seconds</th>
          <th>attempt</th>
        </tr>
      </thead>
      <tbody>
        ${trainings.flatMap((t) =>
          t.history.map(
            (e) =>
              html`<tr${e.epoch === t.bestEpoch ? html` class="best"` : ''}><td>${t.name}</td><td>${e.epoch}</td><td>${e.phase}</td><td>${num(e.trainLoss, 5)}</td><td>${num(
                e.validationLoss,
                5,
              )}</td><td>${num(e.seconds, 1)}</td><td>${e.attempt}</td></tr>`,
          ),
        )}
      </tbody>
    </table>
  </section>`;
}

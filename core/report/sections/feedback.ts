// How the model versions that served the month did on its actual clicks, when predictions were logged.
import { html, num, type SafeHtml } from '../html';
import type { FeedbackFile } from '../report-inputs';

export function feedbackSection(feedback: FeedbackFile | undefined): SafeHtml {
  if (!feedback)
    return html`<section id="feedback">
      <h2>Production feedback</h2>
      <p class="empty">No predictions logged for this month's impressions.</p>
    </section>`;
  const { counts } = feedback;
  return html`<section id="feedback">
    <h2>Production feedback</h2>
    <p>
      ${counts.predictions} logged predictions on ${feedback.logDays.from}..${feedback.logDays.to} (${feedback.logShards} shards): ${counts.joined} joined to
      this month's impressions, ${counts.unmatched} unmatched, ${counts.superseded} superseded, ${counts.withoutId} without an id.
    </p>
    ${
      feedback.warnings.length > 0
        ? html`<ul class="findings">
            ${feedback.warnings.map((w) => html`<li class="warning">${w}</li>`)}
          </ul>`
        : ''
    }
    <table class="numbers">
      <thead>
        <tr>
          <th>served version</th>
          <th>impressions</th>
          <th>clicks</th>
          <th>AUC</th>
          <th>log loss</th>
          <th>calibration (pred/obs)</th>
        </tr>
      </thead>
      <tbody>
        ${feedback.models.map(
          (m) =>
            html`<tr>
              <td>v${m.modelVersion}</td>
              <td>${m.count}</td>
              <td>${m.positives}</td>
              <td>${num(m.auc)}</td>
              <td>${num(m.logLoss)}</td>
              <td>${num(m.calibration, 3)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

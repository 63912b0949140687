// The top of the report: what the run decided, and each model's holdout numbers side by side.
import { html, num, type SafeHtml } from '../html';
import type { RunReportInputs } from '../report-inputs';
import { evaluatedModels } from './models';

export function summarySection(inputs: RunReportInputs): SafeHtml {
  const { decision, evaluation } = inputs;
  const verdict = !decision
    ? html`<p class="empty">No promotion decision recorded.</p>`
    : decision.outcome === 'promoted'
      ? html`<p class="verdict ok">
          Promoted v${decision.version}${decision.previousChampion === null ? ' (the first champion)' : html` over v${decision.previousChampion}`}.
        </p>`
      : html`<p class="verdict bad">
            v${decision.version} ${decision.outcome === 'rejected' ? 'rejected' : 'registered but not promoted'}; the champion stays
            ${decision.previousChampion === null ? 'none' : `v${decision.previousChampion}`}.
          </p>
          <ul>
            ${decision.reasons.map((r) => html`<li>${r}</li>`)}
          </ul>`;
  const models = evaluation ? evaluatedModels(evaluation) : [];
  return html`<section id="summary">
    <h2>Outcome</h2>
    ${verdict}
    ${
      evaluation
        ? html`<p>Evaluation holdout: ${evaluation.holdoutRows.toLocaleString('en')} impressions from ${evaluation.holdoutStart}.</p>
            <table class="numbers">
              <thead>
                <tr>
                  <th>model</th>
                  <th>AUC</th>
                  <th>log loss</th>
                  <th>calibration (pred/obs)</th>
                  <th>expected calibration error</th>
                  <th>candidate AUC − this</th>
                </tr>
              </thead>
              <tbody>
                ${models.map(
                  (m) =>
                    html`<tr>
                      <td>${m.name}</td>
                      <td>${num(m.overall.auc)}</td>
                      <td>${num(m.overall.logLoss)}</td>
                      <td>${num(m.overall.calibration, 3)}</td>
                      <td>${num(m.overall.expectedCalibrationError, 5)}</td>
                      <td>${m.comparison ? `${num(m.comparison.aucDifference)} ± ${num(m.comparison.aucStandardError)}` : ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : html`<p class="empty">No evaluation recorded.</p>`
    }
  </section>`;
}

// Per-feature statistics of the month and their drift against the month before, with validation's findings.
import type { ColumnStatistics } from '../../validation';
import { html, num, percent, type SafeHtml } from '../html';
import type { RunReportInputs } from '../report-inputs';

const TOP_SHOWN = 3;

export function featuresSection({ statistics, validation }: Pick<RunReportInputs, 'statistics' | 'validation'>): SafeHtml {
  const findings = validation ? [...validation.blocking, ...validation.warnings] : [];
  const drift = new Map((validation?.drift ?? []).map((d) => [d.feature, d]));
  return html`<section id="features">
    <h2>Data: feature statistics and drift</h2>
    ${
      validation
        ? html`<p>
              Validation ${validation.passed ? 'passed' : 'FAILED'} against schema v${validation.schemaVersion}; drift
              ${validation.comparedWith ? `against ${validation.comparedWith}` : 'not measured (no previous month)'}.
            </p>
            ${
              findings.length > 0
                ? html`<ul class="findings">
                    ${findings.map((a) => html`<li class="${a.severity}">${a.severity}: ${a.message}</li>`)}
                  </ul>`
                : html`<p>No anomalies.</p>`
            }`
        : html`<p class="empty">No validation report recorded.</p>`
    }
    ${
      statistics
        ? html`<p>
              ${statistics.examples.toLocaleString('en')} examples; label ${statistics.label.name}: ${statistics.label.positives.toLocaleString('en')} positives
              (rate ${num(statistics.label.positiveRate, 4)}).
            </p>
            <table class="numbers features">
              <thead>
                <tr>
                  <th>feature</th>
                  <th>role</th>
                  <th>present</th>
                  <th>missing</th>
                  <th>summary</th>
                  <th>drift</th>
                  <th>what moved</th>
                </tr>
              </thead>
              <tbody>
                ${statistics.features.map((f) => {
                  const d = drift.get(f.name);
                  return html`<tr>
                    <td>${f.name}</td>
                    <td>${f.role}</td>
                    <td>${f.count}</td>
                    <td>${percent(f.missing, f.count + f.missing)}</td>
                    <td>${describe(f)}</td>
                    <td class="${d?.level ?? ''}">${d ? `${num(d.value, 3)} ${d.kind} (${d.level})` : '–'}</td>
                    <td>${d?.detail ?? ''}</td>
                  </tr>`;
                })}
              </tbody>
            </table>`
        : html`<p class="empty">No statistics recorded.</p>`
    }
  </section>`;
}

function describe(f: ColumnStatistics): string {
  switch (f.role) {
    case 'numeric':
      return `mean ${num(f.mean, 3)}, std ${num(f.std, 3)}, range ${num(f.min, 3)}..${num(f.max, 3)}`;
    case 'categorical':
      return `${f.distinct}${f.distinctIsLowerBound ? '+' : ''} values; top ${f.top
        .slice(0, TOP_SHOWN)
        .map((t) => `${t.value} ${(100 * t.frequency).toFixed(1)} %`)
        .join(', ')}`;
    case 'text':
      return `${num(f.averageTokens, 1)} tokens on average, ${f.distinctTokens}${f.distinctTokensIsLowerBound ? '+' : ''} distinct`;
    case 'image':
      return f.checks ? `${f.checks.ok} images ok, ${f.checks.missing} missing, ${f.checks.corrupt} corrupt` : 'no image checks';
  }
}

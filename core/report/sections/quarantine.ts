// Rows ingest refused, counted by kind of reason, with the first few of each kind as they were read.
import { boundText } from '../../bounded-text';
import { html, type SafeHtml } from '../html';
import type { QuarantineSample } from '../report-inputs';

const SHOWN_RAW_CHARS = 300;

export function quarantineSection(quarantine: QuarantineSample): SafeHtml {
  const total = quarantine.kinds.reduce((sum, k) => sum + k.count, 0);
  if (quarantine.files === 0 || total === 0)
    return html`<section id="quarantine">
      <h2>Quarantine</h2>
      <p>No rows quarantined.</p>
    </section>`;
  return html`<section id="quarantine">
    <h2>Quarantine</h2>
    <p>
      ${total.toLocaleString('en')} rows quarantined in ${quarantine.files}
      files${quarantine.complete ? '' : ` (counted over the first ${quarantine.entries.toLocaleString('en')} entries only: the read stops there)`}.
    </p>
    <table class="numbers quarantine">
      <thead>
        <tr>
          <th>reason</th>
          <th>rows</th>
          <th>examples (file:line, reason, row)</th>
        </tr>
      </thead>
      <tbody>
        ${quarantine.kinds.map(
          (k) =>
            html`<tr>
              <td>${k.kind}</td>
              <td>${k.count}</td>
              <td>
                ${k.examples.map(
                  (e) =>
                    html`<div class="example">
                      <span class="where">${e.file}:${e.line}</span> ${e.reason}
                      <pre>${boundText(e.raw, SHOWN_RAW_CHARS)}</pre>
                    </div>`,
                )}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

// The run report: one self-contained HTML page per month, from the artifacts the run wrote.
import { html } from './html';
import { htmlPage } from './html-page';
import type { RunReportInputs } from './report-inputs';
import { evaluationSection } from './sections/evaluation';
import { featuresSection } from './sections/features';
import { feedbackSection } from './sections/feedback';
import { quarantineSection } from './sections/quarantine';
import { summarySection } from './sections/summary';
import { trainingSection } from './sections/training';

export function buildRunReport(inputs: RunReportInputs): string {
  const title = `adclick run report ${inputs.month}`;
  return htmlPage(
    title,
    html`<header>
        <h1>${title}</h1>
        <p class="meta">Generated ${inputs.generatedAt} from ${inputs.artifactsUrl}</p>
        <nav>
          <a href="#summary">outcome</a><a href="#evaluation">evaluation</a><a href="#training">training</a><a href="#features">data</a
          ><a href="#quarantine">quarantine</a><a href="#feedback">feedback</a>
        </nav>
      </header>
      ${summarySection(inputs)} ${evaluationSection(inputs.evaluation)} ${trainingSection(inputs.trainings)} ${featuresSection(inputs)}
      ${quarantineSection(inputs.quarantine)} ${feedbackSection(inputs.feedback)}`,
  );
}

// The page around the sections: inline CSS only, no script and no external resource, so the file reads
// the same opened from the bucket, served by the API or attached to a mail.
import { html, SafeHtml } from './html';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1180px; padding: 16px 24px 48px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; } nav a { margin-right: 12px; } .meta, .note, .empty { color: #666; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; } figure.chart { margin: 0; max-width: 440px; }
svg .title { font-size: 13px; font-weight: 600; } svg text { font-size: 11px; fill: #333; }
svg .axis line { stroke: #444; } svg .grid line { stroke: #eee; }
svg .series path { fill: none; stroke-width: 1.8; } svg path.reference { fill: none; stroke: #999; stroke-dasharray: 4 3; }
figcaption { font-size: 12px; } .key { margin-right: 12px; white-space: nowrap; }
.swatch { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 4px; }
.swatch.reference { border-top: 2px dashed #999; height: 0; }
table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #ddd; padding: 3px 8px; vertical-align: top; }
th { background: #f5f5f5; text-align: left; } table.numbers td { font-variant-numeric: tabular-nums; }
tr.best td { background: #eef7ee; } td.warning, li.warning { color: #a15c00; } td.blocking, li.blocking { color: #b00020; }
.verdict.ok { color: #1b7f1b; font-weight: 600; } .verdict.bad { color: #b00020; font-weight: 600; }
.example { margin-bottom: 6px; } .where { font-family: monospace; color: #555; }
pre { white-space: pre-wrap; word-break: break-all; margin: 2px 0; background: #f8f8f8; padding: 2px 4px; max-width: 720px; }
`;

export function htmlPage(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:" />
        <link rel="icon" href="data:," />
        <title>${title}</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html> `.text;
}

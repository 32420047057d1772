/**
 * The analytics report as server-rendered SVG: horizontal bar charts with their numbers written beside each bar,
 * so the console shows charts without a charting library or a build step. Every label is escaped; each bar
 * carries data-label and data-value for tests and tools.
 */
import type { AnalyticsReport } from './analytics';

const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A duration in words: 42 s, 5 min, 3.5 h, 2.1 d. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 360_000) / 10} h`;
  return `${Math.round(ms / 8_640_000) / 10} d`;
}
export const formatShare = (value: number | null) => (value === null ? '–' : `${Math.round(value * 1000) / 10}%`);

interface Bar {
  label: string;
  value: number;
  /** The text beside the bar (default: the value). */
  text?: string;
}

const ROW = 22;
const LABEL_WIDTH = 150;
const BAR_WIDTH = 260;
const WIDTH = LABEL_WIDTH + BAR_WIDTH + 90;

/** One horizontal bar chart: a row per bar, its label left, the bar scaled to the largest value, its number right. */
export function barChart(id: string, title: string, bars: Bar[], fill = '#2f6f9f'): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = 28 + Math.max(1, bars.length) * ROW;
  const rows = bars.map((bar, i) => {
    const y = 28 + i * ROW;
    const width = Math.round((bar.value / max) * BAR_WIDTH);
    return (
      `<g class="bar"><text x="${LABEL_WIDTH - 6}" y="${y + 15}" text-anchor="end">${esc(bar.label)}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${width}" height="${ROW - 6}" fill="${fill}" data-label="${esc(bar.label)}" data-value="${esc(bar.value)}"></rect>` +
      `<text class="value" x="${LABEL_WIDTH + width + 6}" y="${y + 15}">${esc(bar.text ?? String(bar.value))}</text></g>`
    );
  });
  const empty = bars.length === 0 ? `<text x="${LABEL_WIDTH}" y="${28 + 15}">No data</text>` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${esc(id)}" class="chart" role="img" aria-labelledby="${esc(id)}-title" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="system-ui, sans-serif" font-size="12">` +
    `<title id="${esc(id)}-title">${esc(title)}</title><text x="0" y="16" font-weight="bold" font-size="13">${esc(title)}</text>${rows.join('')}${empty}</svg>`
  );
}

/** Every chart of a report, by name (the console shows them in this order). */
export function analyticsCharts(report: AnalyticsReport): Record<string, string> {
  const a = report.acknowledgement;
  return {
    acknowledgement: barChart('chart-acknowledgement', `Time to acknowledgement (p50 ${formatDuration(a.p50Ms)}, p95 ${formatDuration(a.p95Ms)})`, a.buckets.map((b) => ({ label: b.label, value: b.count }))),
    silence: barChart(
      'chart-silence',
      `Longest silence per candidate, business days (promise kept: ${formatShare(report.silence.keptShare)})`,
      report.silence.buckets.map((b) => ({ label: b.label, value: b.count })),
      '#7a5c99',
    ),
    messages: barChart('chart-messages', 'Messages per stage and channel', report.messages.map((m) => ({ label: `${m.stage} · ${m.channel}`, value: m.count }))),
    delivery: barChart(
      'chart-delivery',
      'Delivery failures and fallbacks per channel',
      report.delivery.flatMap((d) => [
        { label: `${d.channel} failed`, value: d.failed, text: `${d.failed} of ${d.sent + d.failed}` },
        { label: `${d.channel} fell back`, value: d.fallbacks },
      ]),
      '#b5483b',
    ),
    funnel: barChart(
      'chart-funnel',
      'Stage funnel (median time in stage)',
      report.funnel.filter((f) => f.entered > 0).map((f) => ({ label: f.stage, value: f.entered, text: `${f.entered} · ${formatDuration(f.medianMs)}` })),
      '#3d8b5a',
    ),
    survey: barChart(
      'chart-survey',
      `Survey scores (average ${report.survey.averageScore ?? '–'} of ${report.survey.responses})`,
      report.survey.scores.map((count, i) => ({ label: `${i + 1} ★`, value: count })),
      '#c28a1e',
    ),
  };
}

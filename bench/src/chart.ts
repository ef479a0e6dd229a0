/** A small, dependency-free SVG bar chart: a row of panels, each a few labelled bars. */
export interface Panel {
  title: string;
  unit: string;
  bars: { label: string; value: number; series: 0 | 1 }[];
  /** A dashed line for the target, if there is one. */
  target?: number;
}

const COLORS = ['#2f6fd6', '#b0b7c3'] as const;
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function barChart(panels: Panel[], legend: [string, string], caption: string): string {
  const width = 300;
  const height = 260;
  const top = 40;
  const bottom = 50;
  const plot = height - top - bottom;
  const parts: string[] = [];
  panels.forEach((panel, index) => {
    const x0 = index * width;
    const max = Math.max(...panel.bars.map((bar) => bar.value), panel.target ?? 0) * 1.15 || 1;
    const slot = (width - 40) / panel.bars.length;
    parts.push(`<text x="${x0 + width / 2}" y="22" text-anchor="middle" font-weight="600">${escape(panel.title)}</text>`);
    parts.push(`<text x="${x0 + width / 2}" y="36" text-anchor="middle" font-size="11" fill="#666">${escape(panel.unit)}</text>`);
    panel.bars.forEach((bar, i) => {
      const h = (bar.value / max) * plot;
      const x = x0 + 25 + i * slot + slot * 0.15;
      const y = top + plot - h;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[bar.series]}"/>`);
      const value = bar.value >= 100 ? bar.value.toFixed(0) : bar.value.toFixed(1);
      parts.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${value}</text>`);
      parts.push(`<text x="${(x + slot * 0.35).toFixed(1)}" y="${top + plot + 16}" text-anchor="middle" font-size="11">${escape(bar.label)}</text>`);
    });
    if (panel.target !== undefined) {
      const y = top + plot - (panel.target / max) * plot;
      parts.push(`<line x1="${x0 + 20}" x2="${x0 + width - 15}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#d33" stroke-dasharray="5 4"/>`);
      parts.push(`<text x="${x0 + 22}" y="${(y - 4).toFixed(1)}" font-size="10" fill="#d33">target ${panel.target}</text>`);
    }
    parts.push(`<line x1="${x0 + 20}" x2="${x0 + width - 15}" y1="${top + plot}" y2="${top + plot}" stroke="#888"/>`);
  });
  const total = panels.length * width;
  const legendY = height - 12;
  parts.push(`<rect x="20" y="${legendY - 10}" width="12" height="12" fill="${COLORS[0]}"/><text x="38" y="${legendY}" font-size="12">${escape(legend[0])}</text>`);
  parts.push(`<rect x="160" y="${legendY - 10}" width="12" height="12" fill="${COLORS[1]}"/><text x="178" y="${legendY}" font-size="12">${escape(legend[1])}</text>`);
  parts.push(`<text x="${total - 10}" y="${legendY}" text-anchor="end" font-size="11" fill="#666">${escape(caption)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="${height}" viewBox="0 0 ${total} ${height}" font-family="system-ui, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}

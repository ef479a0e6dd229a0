import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';

/** axe-core's own source, evaluated in a page (Chromium through Playwright, Firefox through puppeteer). */
export const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** What the suite holds pages to. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
/** The rules a change of colour scheme can break: run again, alone, after switching the theme in place. */
export const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

interface Axe {
  run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }>;
}

/**
 * Axe's findings on the page as it is, as readable lines: every rule of `AXE_TAGS`, or only `rules`.
 * Injected once per page (evaluated, so the page's CSP does not apply to it).
 */
export async function violations(page: Page, rules?: readonly string[]): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async ({ tags, only }) => {
      const axe = (window as unknown as { axe: Axe }).axe;
      const results = await axe.run(document, { runOnly: only ? { type: 'rule', values: only } : { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return results.violations.flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${violation.help} at ${node.target.join(' ')} ${node.failureSummary ?? ''}`));
    },
    { tags: AXE_TAGS, only: rules ? [...rules] : undefined },
  );
}

// Drives the inspector page in headless Chromium (playwright-core, Debian's chromium) and prints
// what it saw as one JSON object on stdout; tests/python/test_inspector.py makes the assertions,
// against what the same server answers over gRPC.
//
//   node drive.mjs PLAN.json
//
// PLAN: { url, chromium, apiKey?, articles: [{ text, publishedDate, screenshot }],
//         browse: { speaker, countryCode, partnerCountryCode }, openStored: TITLE,
//         relationsScreenshot, relationsAfter: YYYY-MM-DD }
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const origin = new URL(plan.url).origin;
const outside = [];
const consoleErrors = [];

const browser = await chromium.launch({
  executablePath: plan.chromium,
  headless: true,
  // Root in a container has no user namespace for Chromium's sandbox.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const report = { articles: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(60_000);
  // Anything not from the server's own origin is refused and reported: the page must need nothing else.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));

  await page.goto(plan.url);
  await page.waitForSelector('body[data-ready="true"]');
  if (plan.apiKey) {
    await page.fill('#api-key', plan.apiKey);
    await page.dispatchEvent('#api-key', 'change');
  }

  for (const article of plan.articles) {
    await page.click('.tab[data-tab="article"]');
    await page.fill('#article-text', article.text);
    if (article.publishedDate) await page.fill('#article-published', article.publishedDate);
    await page.evaluate(() => { document.getElementById('status').textContent = ''; });
    await page.click('#analyze');
    await page.waitForFunction(() => /^Analyzed|UNAUTHENTICATED|PERMISSION_DENIED|INVALID_ARGUMENT|INTERNAL|UNAVAILABLE/
      .test(document.getElementById('status').textContent));
    const seen = await page.evaluate(() => ({
      status: document.getElementById('status').textContent,
      marks: [...document.querySelectorAll('#article-body mark')].map((m) => ({
        refs: m.dataset.refs.split(' '),
        classes: [...m.classList],
        start: Number(m.dataset.start),
        end: Number(m.dataset.end),
        text: m.textContent,
        title: m.title,
      })),
      bodyText: document.getElementById('article-body').textContent,
      statements: [...document.querySelectorAll('#statement-list li')].map((li) => ({
        speaker: li.querySelector('.speaker-name').textContent,
        text: li.textContent,
      })),
      facts: [...document.querySelectorAll('#fact-list li')].map((li) => ({
        kind: li.querySelector('.fact-kind').textContent,
        text: li.textContent,
        evidenceRef: li.querySelector('.evidence-link').dataset.ref,
        countries: [...li.querySelectorAll('.entity .code')].map((c) => c.textContent),
        hsCodes: [...li.querySelectorAll('.hs')].map((c) => c.textContent),
      })),
    }));
    if (article.screenshot) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: article.screenshot, fullPage: false });
    }
    // Following a fact's evidence link marks its evidence span in the text.
    if (seen.facts.length) {
      await page.click('#fact-list li:first-child .evidence-link');
      seen.flashedAfterEvidenceLink = await page.evaluate(() => [...document.querySelectorAll('#article-body mark.flash')]
        .map((m) => m.dataset.refs.split(' ')));
    }
    report.articles.push(seen);
  }

  if (plan.browse) {
    await page.click('.tab[data-tab="browse"]');
    // Each action clears the status line; the page sets it to a result or an error when done.
    const act = async (selector) => {
      await page.evaluate(() => { document.getElementById('status').textContent = ''; });
      await page.click(selector);
      await page.waitForFunction(() => {
        const status = document.getElementById('status').textContent;
        return status !== '' && !/Loading/.test(status);
      });
    };
    const rows = (table) => page.evaluate((t) => [...document.querySelectorAll(`#${t} tbody tr`)]
      .map((tr) => [...tr.children].map((td) => td.textContent)), table);

    await page.fill('#statements-form [name="speaker"]', plan.browse.speaker);
    await act('#statements-form button[type="submit"]');
    report.statementsBySpeaker = { status: await page.textContent('#status'), rows: await rows('statements-table') };

    // Pagination: one statement per page, then the next page.
    await page.fill('#statements-form [name="speaker"]', '');
    await page.fill('#statements-form [name="pageSize"]', '2');
    await act('#statements-form button[type="submit"]');
    const first = await rows('statements-table');
    const nextEnabled = await page.isEnabled('.pager[data-for="statements"] .next');
    let second = [];
    let previousEnabled = false;
    if (nextEnabled) {
      await act('.pager[data-for="statements"] .next');
      second = await rows('statements-table');
      previousEnabled = await page.isEnabled('.pager[data-for="statements"] .prev');
    }
    report.statementPages = { first, nextEnabled, second, previousEnabled, pageLabel: await page.textContent('.pager[data-for="statements"] .page') };

    await page.fill('#facts-form [name="countryCode"]', plan.browse.countryCode);
    await page.fill('#facts-form [name="partnerCountryCode"]', plan.browse.partnerCountryCode);
    await act('#facts-form button[type="submit"]');
    report.factsByPair = { status: await page.textContent('#status'), rows: await rows('facts-table') };
  }

  if (plan.openStored) {
    // Pick a stored article from the list: the page fetches it with GetArticle.
    await page.click('.tab[data-tab="article"]');
    await page.focus('#stored-articles');
    await page.waitForFunction(() => document.querySelectorAll('#stored-articles option').length > 1);
    const value = await page.evaluate((title) => [...document.querySelectorAll('#stored-articles option')]
      .find((o) => o.textContent.includes(title)).value, plan.openStored);
    await page.evaluate(() => { document.getElementById('status').textContent = ''; });
    await page.selectOption('#stored-articles', value);
    await page.waitForFunction(() => /^Stored article|[A-Z_]{5,}:/.test(document.getElementById('status').textContent));
    report.stored = await page.evaluate(() => ({
      status: document.getElementById('status').textContent,
      meta: document.getElementById('article-meta').textContent,
      statements: document.querySelectorAll('#statement-list li').length,
      facts: document.querySelectorAll('#fact-list li').length,
      contentMarks: [...document.querySelectorAll('#article-body mark.content')].length,
    }));
  }

  if (plan.relationsScreenshot !== undefined) {
    await page.click('.tab[data-tab="relations"]');
    await page.evaluate(() => { document.getElementById('status').textContent = ''; });
    await page.click('#relations-form button[type="submit"]');
    await page.waitForFunction(() => /Drawn|[A-Z_]{5,}:/.test(document.getElementById('status').textContent));
    report.relations = await page.evaluate(() => ({
      status: document.getElementById('status').textContent,
      summary: document.getElementById('relations-summary').textContent,
      edges: [...document.querySelectorAll('#relations path.edge')].map((p) => ({
        kind: p.dataset.kind, from: p.dataset.from, to: p.dataset.to, count: Number(p.dataset.count),
        width: Number(p.getAttribute('stroke-width')),
      })),
      nodes: [...document.querySelectorAll('#relations g.node')].map((g) => g.dataset.code),
    }));
    if (plan.relationsScreenshot) await page.screenshot({ path: plan.relationsScreenshot, fullPage: true });
    if (plan.relationsAfter) {
      // The period filter: only facts of articles published from that day on.
      await page.fill('#relations-form [name="publishedAfter"]', plan.relationsAfter);
      await page.evaluate(() => { document.getElementById('status').textContent = ''; });
      await page.click('#relations-form button[type="submit"]');
      await page.waitForFunction(() => /Drawn|[A-Z_]{5,}:/.test(document.getElementById('status').textContent));
      report.relationsAfter = await page.evaluate(() => ({
        summary: document.getElementById('relations-summary').textContent,
        edges: [...document.querySelectorAll('#relations path.edge')].map((p) => ({
          kind: p.dataset.kind, from: p.dataset.from, to: p.dataset.to, count: Number(p.dataset.count),
        })),
      }));
    }
  }
} finally {
  await browser.close();
}
report.outsideRequests = outside;
report.consoleErrors = consoleErrors;
process.stdout.write(`${JSON.stringify(report)}\n`);

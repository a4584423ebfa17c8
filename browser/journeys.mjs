// Browser journeys through nintei in Debian's Chromium (/usr/bin/chromium; Playwright never downloads a
// browser here), with an axe-core accessibility check on every page visited.
//
// Run by scripts/browser-test, which starts `nintei serve --demo` and sets NINTEI_URL. Screenshots go to
// NINTEI_SCREENSHOTS (default ../artifacts/screenshots). Exit code 0 when every journey passed and no page
// has a serious or critical accessibility violation.

import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const BASE = process.env.NINTEI_URL ?? 'http://127.0.0.1:8080';
const SHOTS = resolve(process.env.NINTEI_SCREENSHOTS ?? join(import.meta.dirname, '..', 'artifacts', 'screenshots'));
const CHROMIUM = process.env.NINTEI_CHROMIUM ?? '/usr/bin/chromium';
const PASSWORD = 'Kaede-Sakura-4172';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
// WCAG 2.1 A and AA; only serious and critical findings fail the run (all are reported).
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);

mkdirSync(SHOTS, { recursive: true });

class JourneyError extends Error {}

function check(condition, message) {
  if (!condition) throw new JourneyError(message);
}

const a11yFindings = [];
const checkedPages = new Set();

/** Screenshot + accessibility check of the page as it is now. */
async function look(page, journey, name, { fullPage = true } = {}) {
  const file = join(SHOTS, `${journey}--${name}.png`);
  await page.screenshot({ path: file, fullPage });
  // axe is evaluated through the DevTools protocol, so the page's CSP (no inline script) stays on.
  await page.evaluate(AXE);
  const result = await page.evaluate(
    (tags) => globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  const url = new URL(page.url());
  checkedPages.add(url.pathname.replace(/[0-9a-f-]{36}/, '{id}'));
  for (const v of result.violations) {
    a11yFindings.push({
      journey,
      page: `${name} (${url.pathname})`,
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
    });
  }
}

/** Submits an irreversible action's form, checks the confirmation step restates it (入力→確認→完了), and confirms. */
async function submitConfirmed(page, form, j, name) {
  await Promise.all([page.waitForSelector('#confirm-what'), page.click(`${form} button[type=submit]`)]);
  if (j && name) await look(page, j, name);
  await Promise.all([page.waitForURL(/done=/), page.click('#confirm-submit')]);
}

/** Page heights of the main screens, printed at the end (how long a page a person scrolls). */
const heights = [];
async function height(page, label) {
  heights.push(`${label} ${await page.evaluate(() => document.documentElement.scrollHeight)}px`);
}

/** Opens every folded part of a form by its heading, as a person would. */
async function openParts(page) {
  for (const part of await page.locator('details.part').all()) {
    if ((await part.getAttribute('open')) === null) await part.locator('summary').first().click();
  }
}

async function signIn(page, email) {
  await page.goto(`${BASE}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login') || u.pathname === '/login/totp'), page.click('main button[type=submit]')]);
}

async function status(page, path) {
  const r = await page.goto(`${BASE}${path}`);
  return r?.status();
}

/** RFC 6238 (HMAC-SHA1, 30 s, 6 digits) for a base32 secret: what an authenticator app shows. */
function totp(secretB32, unixSeconds) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretB32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = (mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000;
  return String(bin).padStart(6, '0');
}

const journeys = {
  /** The office signs in, creates an organization (errors next to fields, then fixed), sees it and its history. */
  async office_creates_an_organization(page, j, shared) {
    await signIn(page, 'office@nintei.example');
    check(new URL(page.url()).pathname === '/dashboard', `after sign-in: ${page.url()}`);
    await look(page, j, '01-dashboard');
    await page.click('nav a[href="/organizations"]');
    await look(page, j, '02-list');
    await page.click('a[href="/organizations/new"]');
    await look(page, j, '03-form');
    const name = `株式会社ブラウザ検証${Date.now() % 100000}`;
    await page.fill('#name', name);
    await page.selectOption('#legal_form', 'kabushiki_kaisha');
    await page.fill('#corporate_number', '1000012050002'); // wrong check digit (should be 7)
    await page.selectOption('#prefecture', '40');
    await page.fill('#address', '福岡県北九州市八幡西区医生ケ丘1-1');
    await page.fill('#representative', '代表取締役 検証 太郎');
    await page.fill('#contact_name', '担当 検証');
    await page.fill('#contact_email', 'kensho@example.jp');
    await page.fill('#contact_phone', 'abc');
    await page.click('main button[type=submit]');
    await page.waitForSelector('#corporate_number-error');
    check(await page.isVisible('#contact_phone-error'), 'no error next to the phone field');
    check((await page.getAttribute('#corporate_number', 'aria-invalid')) === 'true', 'corporate_number not aria-invalid');
    check(
      (await page.getAttribute('#corporate_number', 'aria-describedby')) === 'corporate_number-error',
      'the error is not tied to its field',
    );
    check((await page.inputValue('#name')) === name, 'the form forgot what was typed');
    await look(page, j, '04-errors');
    await page.fill('#corporate_number', '');
    await page.fill('#contact_phone', '093-555-0199');
    await Promise.all([page.waitForURL(/\/organizations\/[0-9a-f-]{36}$/), page.click('main button[type=submit]')]);
    check((await page.textContent('h1')) === name, 'the new organization page has another heading');
    const history = await page.textContent('#h-history + table');
    check(history?.includes('organization.create'), 'the history does not show the creation');
    shared.createdOrganization = new URL(page.url()).pathname;
    // A counseling room (REG-2) added on the same page.
    await page.fill('#site-name', '八幡相談室');
    await page.selectOption('#site-prefecture', '40');
    await page.fill('#site-address', '福岡県北九州市八幡西区医生ケ丘1-1');
    await Promise.all([page.waitForURL(/\/organizations\/[0-9a-f-]{36}$/), page.click('#h-sites ~ form button[type=submit]')]);
    check((await page.textContent('#h-sites + table'))?.includes('八幡相談室'), 'the room is not listed');
    await look(page, j, '05-organization');
  },

  /** The administrator signs in with the demo TOTP code shown on the page, then adds a user. */
  async admin_adds_a_user(page, j) {
    await signIn(page, 'admin@nintei.example');
    check(new URL(page.url()).pathname === '/login/totp', `admin not asked for a code: ${page.url()}`);
    await look(page, j, '01-totp');
    const code = (await page.textContent('.demo code'))?.trim() ?? '';
    check(/^\d{6}$/.test(code), `no demo code shown: ${code}`);
    await page.fill('#code', code);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('main button[type=submit]')]);
    await page.click('nav a[href="/admin/users"]');
    await look(page, j, '02-users');
    const email = `browser-${Date.now()}@kokoro-care.example`;
    await page.fill('#u-email', email);
    await page.fill('#u-name', '検証 花子');
    await page.selectOption('#u-role', 'organization');
    await page.selectOption('#u-org', { label: '株式会社こころケア北九州' });
    await page.fill('#u-password', 'Shirakaba-Tochi-8812');
    await Promise.all([page.waitForURL(/created=1/), page.click('main form.card button[type=submit]')]);
    check(await page.isVisible('.notice[role=status]'), 'no confirmation shown');
    check((await page.textContent('main table'))?.includes(email), 'the new user is not listed');
    await look(page, j, '03-added');
  },

  /**
   * A new administrator enrols the second factor in the browser: the demo administrator adds them, they sign in,
   * are sent to the enrolment page, type the shown secret into an "authenticator" (computed here, RFC 6238) and
   * confirm with its code; then every screen opens and the user list shows two-step verification as set up.
   */
  async new_administrator_enrols_the_second_factor(page, j) {
    await signIn(page, 'admin@nintei.example');
    // A code is accepted once: when another journey just used this step's code, wait for the next one.
    for (let attempt = 0; ; attempt++) {
      const demoCode = (await page.textContent('.demo code'))?.trim() ?? '';
      await page.fill('#code', demoCode);
      await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
      if (new URL(page.url()).pathname === '/dashboard') break;
      check(attempt < 1, `the demo code was refused twice: ${page.url()}`);
      await page.waitForTimeout(31_000);
      await page.goto(`${BASE}/login/totp`);
    }
    await page.goto(`${BASE}/admin/users`);
    const email = `new-admin-${Date.now()}@nintei.example`;
    await page.fill('#u-email', email);
    await page.fill('#u-name', '新任 管理者');
    await page.selectOption('#u-role', 'admin');
    await page.fill('#u-password', PASSWORD);
    await Promise.all([page.waitForURL(/created=1/), page.click('main form.card button[type=submit]')]);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('header form[action="/logout"] button')]);
    await signIn(page, email);
    await page.goto(`${BASE}/dashboard`);
    check(new URL(page.url()).pathname === '/account/totp', `no enrolment before the dashboard: ${page.url()}`);
    await look(page, j, '01-enrol');
    const secret = (await page.textContent('main dd code'))?.trim() ?? '';
    check(/^[A-Z2-7]{32}$/.test(secret), `no secret shown: ${secret}`);
    await page.fill('#code', totp(secret, Date.now() / 1000));
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('main form[action="/account/totp"] button[type=submit]')]);
    await look(page, j, '02-dashboard');
    check((await status(page, '/admin/users')) === 200, 'the enrolled administrator cannot open the user list');
    const row = page.locator('main table tr', { hasText: email });
    check((await row.textContent())?.includes('✓'), 'the user list does not show the second factor as set up');
  },

  /** An organization's user sees its own organization and nothing else. */
  async organization_user_sees_only_its_organization(page, j, shared) {
    await signIn(page, 'org@kokoro-care.example');
    await look(page, j, '01-dashboard');
    check((await page.locator('nav a[href="/organizations"]').count()) === 0, 'the organizations menu is shown');
    const own = page.locator('main a[href^="/organizations/"]');
    check((await own.count()) === 1, 'the dashboard does not link the own organization');
    await own.click();
    check((await page.textContent('h1')) === '株式会社こころケア北九州', 'not the own organization');
    check((await page.locator('#h-history').count()) === 0, 'the audit history is shown to the organization');
    await look(page, j, '02-own');
    check((await status(page, '/organizations')) === 403, 'the organization list is open to it');
    if (shared.createdOrganization) {
      check((await status(page, shared.createdOrganization)) === 404, 'another organization is visible');
      check(!(await page.content()).includes('ブラウザ検証'), 'the 404 page names the other organization');
      await look(page, j, '03-other-is-404');
    }
  },

  /** The language switch to English and back keeps the page. */
  async language_switch(page, j) {
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}/organizations`);
    check((await page.getAttribute('html', 'lang')) === 'ja', 'not Japanese first');
    await Promise.all([page.waitForURL(/\/organizations$/), page.click('header a[href^="/lang/en"]')]);
    check((await page.getAttribute('html', 'lang')) === 'en', 'did not switch to English');
    check((await page.textContent('h1'))?.trim() === 'Organizations', `English heading: ${await page.textContent('h1')}`);
    await look(page, j, '01-english');
    await Promise.all([page.waitForURL(/\/organizations$/), page.click('header a[href^="/lang/ja"]')]);
    check((await page.getAttribute('html', 'lang')) === 'ja', 'did not switch back');
    await look(page, j, '02-japanese');
  },

  /** Signing in with the keyboard alone: Tab to the fields, type, Enter. The skip link comes first. */
  async keyboard_only_sign_in(page, j) {
    await page.goto(`${BASE}/login`);
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement?.classList.contains('skip')), 'the skip link is not first');
    await look(page, j, '01-skip-link');
    for (let i = 0; i < 12 && (await page.evaluate(() => document.activeElement?.id)) !== 'email'; i++) {
      await page.keyboard.press('Tab');
    }
    check((await page.evaluate(() => document.activeElement?.id)) === 'email', 'Tab never reaches the e-mail field');
    await page.keyboard.type('office@nintei.example');
    await page.keyboard.press('Tab');
    check((await page.evaluate(() => document.activeElement?.id)) === 'password', 'Tab does not go to the password');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.keyboard.press('Enter')]);
    // The focus ring is visible on the next Tab stop.
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    check(!outline.startsWith('none'), `no visible focus indicator (${outline})`);
    await look(page, j, '02-dashboard');
  },

  /** The remaining screens, for the accessibility check: home, account pages (with errors), 403 and 404. */
  async accessibility_tour(page, j) {
    await page.goto(`${BASE}/`);
    await look(page, j, '01-home');
    await signIn(page, 'surveyor@nintei.example');
    await page.click('nav a[href="/account/password"]');
    await look(page, j, '02-password');
    await page.fill('#current', 'not-my-password');
    await page.fill('#new', 'aaaaaaaaaaaa'); // long enough for the browser, refused by the server (repetitive)
    await page.click('main button[type=submit]');
    await page.waitForSelector('.error');
    await look(page, j, '03-password-errors');
    await page.goto(`${BASE}/account/totp`);
    await look(page, j, '04-totp-enrol');
    check((await status(page, '/organizations')) === 403, 'a surveyor sees the organization list');
    await look(page, j, '05-forbidden');
    check((await status(page, '/no/such/page')) === 404, 'an unknown page is not 404');
    await look(page, j, '06-not-found');
  },

  // ---- The accreditation, registration and public journeys, end to end through the screens. ----
  // They share one case (shared.accCase) and run in order: apply → accept and plan → self-study → rate → decide
  // → the public finds and verifies. Dates are fixed in the past so that every date check passes on any day.

  /** The organization applies for accreditation (ACC-3) on its screen: はまなす, which holds no accreditation yet
   *  (an accredited organization renews or adds services instead, ACC-19/20). */
  async organization_applies_for_accreditation(page, j, shared) {
    await signIn(page, 'org@hamanasu.example');
    await page.goto(`${BASE}/accreditation/cases/new`);
    await look(page, j, '01-form');
    await page.fill('#a-applied', '2026-08-01');
    await page.check('input[name=service_a]');
    await page.fill('#a-started-a', '2025-06-01');
    await page.check('input[name=service_b]');
    await page.fill('#a-started-b', '2025-06-01');
    await page.fill('#a-revenue', '87000000');
    await page.check('input[name=board_decided]');
    await Promise.all([page.waitForURL(/\/accreditation\/cases\/[0-9a-f-]{36}/), page.click('main form.card > button[type=submit]')]);
    check((await page.getAttribute('#case-status', 'data-status')) === 'submitted', 'the new case is not submitted');
    shared.accCase = new URL(page.url()).pathname;
    await look(page, j, '02-submitted');
  },

  /** The office accepts the application (ACC-4, the invoice) and plans the review (ACC-5). */
  async office_accepts_and_plans(page, j, shared) {
    check(shared.accCase, 'no case from organization_applies_for_accreditation');
    await signIn(page, 'office@nintei.example');
    // The office's day starts from its queue: the new application waits there; no menu is needed.
    await page.goto(`${BASE}/dashboard`);
    const waiting = page.locator(`#tasks a[href="${shared.accCase}"]`).first();
    check((await waiting.count()) === 1, 'the new application is not in the office\'s queue');
    await look(page, j, '00-queue');
    await Promise.all([page.waitForURL((u) => u.pathname === shared.accCase), waiting.click()]);
    check((await page.textContent('#case-next'))?.includes('受審資格と料金を判定'), 'the case page does not say what is next');
    await look(page, j, '01-case');
    await page.check('form[action$="/eligibility"] input[name=eligible][value=yes]');
    await page.fill('#el-date', '2026-08-05');
    await Promise.all([page.waitForURL(/done=eligibility/), page.click('form[action$="/eligibility"] button[type=submit]')]);
    check((await page.getAttribute('#case-status', 'data-status')) === 'accepted', 'not accepted');
    check((await page.textContent('#h-fees ~ *'))?.length > 0, 'no fees shown');
    await look(page, j, '02-accepted-with-invoice');
    const coordinator = await page.locator('#pl-coord option', { hasText: '支援 美咲' }).getAttribute('value');
    await page.selectOption('#pl-coord', coordinator);
    await page.fill('#pl-due', '2026-09-30');
    await page.fill('#pl-site', '2026-10-10');
    await Promise.all([page.waitForURL(/done=plan/), page.click('form[action$="/plan"] button[type=submit]')]);
    check((await page.getAttribute('#case-status', 'data-status')) === 'self_study', 'not in self-study');
    await look(page, j, '03-planned');
  },

  /** The organization submits its self-study (ACC-6); the office assigns the lead surveyor (ACC-7). */
  async organization_submits_self_study(page, j, shared) {
    check(shared.accCase, 'no case');
    await signIn(page, 'org@hamanasu.example');
    // The applicant follows its next step from its dashboard: the self-study due, then the case says what to do.
    await page.goto(`${BASE}/dashboard`);
    const next = page.locator(`#tasks a[href="${shared.accCase}"]`).first();
    check((await next.count()) >= 1, 'the self-study is not among the organization\'s next steps');
    await Promise.all([page.waitForURL((u) => u.pathname === shared.accCase), next.click()]);
    check((await page.textContent('#case-next'))?.includes('セルフスタディ資料'), 'the case page does not say what is next');
    // The self-study screen (ACC-6): a narrative, evidence for a standard, the representative's confirmation,
    // and the binder that puts them together.
    await page.goto(`${BASE}${shared.accCase}/study`);
    await look(page, j, '00-self-study');
    const narrative = page.locator('form[action$="/study/narrative"]').first();
    await narrative.locator('textarea[name=body]').fill('倫理綱領を定め、全職員が年1回の研修で確認している。');
    await Promise.all([page.waitForLoadState('load'), narrative.locator('button[type=submit]').click()]);
    const pdf = Buffer.from('%PDF-1.4\n% nintei journey evidence\n1 0 obj << >> endobj\n%%EOF\n');
    await page.setInputFiles('#ev-file', { name: '倫理規程.pdf', mimeType: 'application/pdf', buffer: pdf });
    await Promise.all([page.waitForLoadState('load'), page.click('form:has(#ev-file) button[type=submit]')]);
    check((await page.textContent('#progress-total'))?.includes('1 /'), 'the evidence is not counted');
    await page.fill('#cf-date', '2026-09-19');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/study/confirmation"] button[type=submit]')]);
    check((await page.textContent('#confirmation'))?.includes('確認した代表者'), 'not confirmed');
    const binder = await page.request.get(`${BASE}${shared.accCase}/self-study/binder.pdf`);
    check(binder.status() === 200 && binder.headers()['content-type'] === 'application/pdf', `binder: ${binder.status()}`);
    await look(page, j, '00-self-study-confirmed');
    await page.goto(`${BASE}${shared.accCase}`);
    await page.fill('#ss-date', '2026-09-20');
    await page.check('form[action$="/self-study"] input[name=confirmed]');
    await look(page, j, '01-self-study-form');
    await Promise.all([page.waitForURL(/done=/), page.click('form[action$="/self-study"] button[type=submit]')]);
    check((await page.getAttribute('#case-status', 'data-status')) === 'site_visit', 'not at the site visit');
    await look(page, j, '02-submitted');
    await page.context().clearCookies();
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}${shared.accCase}`);
    const surveyor = await page.locator('#sv-user option', { hasText: '調査 健' }).getAttribute('value');
    await page.selectOption('#sv-user', surveyor);
    await page.check('form[action$="/surveyors"] input[name=lead]');
    await Promise.all([page.waitForURL(/done=/), page.click('form[action$="/surveyors"] button[type=submit]')]);
    check((await page.textContent('#h-plan ~ ul'))?.includes('調査 健'), 'the surveyor is not listed');
    await look(page, j, '03-surveyor-assigned');
  },

  /** The surveyor rates every standard in scope (ACC-9) and issues the report (ACC-10). */
  async surveyor_rates(page, j, shared) {
    check(shared.accCase, 'no case');
    page.setDefaultTimeout(30_000); // the ratings page lists every standard in scope: a long screenshot
    await signIn(page, 'surveyor@nintei.example');
    await page.goto(`${BASE}${shared.accCase}/ratings`);
    // One sheet per section (the first with standards left to rate), the section's narrative beside it.
    await height(page, 'rating sheet');
    await look(page, j, '01-ratings', { fullPage: false });
    const url = page.url();
    // A standard saved in place (htmx): no reload, the standard says it was saved and the count moves.
    const first = page.locator('form[action$="/ratings"]').first();
    await first.locator('input[name=rating][value="3"]').check();
    await first.locator('button[type=submit]').click();
    // A 3 without its comment: the cursor goes to the comment.
    await page.waitForSelector('textarea[name=comment][aria-invalid=true]');
    check(await page.evaluate(() => document.activeElement?.getAttribute('name') === 'comment'), 'the comment field is not focused');
    const again = page.locator('form[action$="/ratings"]').first();
    await again.locator('input[name=rating][value="1"]').check();
    await again.locator('textarea[name=comment]').fill('手順書と記録を確認しました');
    await again.locator('button[type=submit]').click();
    await page.waitForSelector('.saved');
    check(page.url() === url, 'the page was reloaded');
    check((await page.textContent('#rated-count'))?.includes('1 /'), 'the count did not move');
    await look(page, j, '01b-saved-in-place', { fullPage: false });
    await page.goto(`${BASE}${shared.accCase}/ratings?section=all`);
    const standards = await page.locator('form[action$="/ratings"] input[name=standard]').evaluateAll((l) => l.map((e) => e.value));
    check(standards.length > 10, `only ${standards.length} standards in scope`);
    const csrf = await page.locator('form[action$="/ratings"] input[name=csrf]').first().inputValue();
    // One standard rated 3 (partly met): the organization answers the report on it (ACC-10).
    shared.ratedThree = standards[1];
    for (const code of standards.slice(1)) {
      const three = code === shared.ratedThree;
      const r = await page.request.post(`${BASE}${shared.accCase}/ratings`, {
        form: { csrf, standard: code, rating: three ? '3' : '1', comment: three ? '手順書の改訂が必要です' : '確認しました' },
        headers: { origin: BASE },
        maxRedirects: 0,
      });
      check(r.status() < 400, `rating ${code}: ${r.status()}`);
    }
    await page.goto(`${BASE}${shared.accCase}`);
    await look(page, j, '02-all-rated');
    await page.fill('#rp-date', '2026-10-20');
    await Promise.all([page.waitForURL(/done=/), page.click('form[action$="/report"] button[type=submit]')]);
    check((await page.getAttribute('#case-status', 'data-status')) === 'report_issued', 'the report does not wait for the answer');
    await look(page, j, '03-report-issued');
  },

  /** The organization reads the report — each standard rated 3 or 4 with the surveyors' comment — and answers it with
   *  its opinion and action plan (ACC-10); the case goes to the committee. */
  async organization_answers_the_report(page, j, shared) {
    check(shared.ratedThree, 'no standard rated 3');
    await signIn(page, 'org@hamanasu.example');
    await page.goto(`${BASE}${shared.accCase}`);
    const main = (await page.textContent('main')) ?? '';
    check(main.includes('実地調査報告書：3・4と評価された基準'), 'the organization does not see the report');
    check(main.includes(shared.ratedThree) && main.includes('手順書の改訂が必要です'), 'the rated standard and its comment are not shown');
    await height(page, 'case page with the report (organization)');
    await look(page, j, '01-report');
    await page.fill('#rs-opinion', '指摘のとおり手順書を改訂します。');
    await page.fill('#rs-plan', '2026年12月までに手順書を改訂し、職員研修で周知する。');
    await page.fill('#rs-date', '2026-10-25');
    await Promise.all([page.waitForURL(/done=/), page.click('form[action$="/response"] button[type=submit]')]);
    check((await page.getAttribute('#case-status', 'data-status')) === 'committee', 'not at the committee after the answer');
    await look(page, j, '02-answered');
  },

  /** A committee member votes to defer; the office records the deferral (ACC-11) with its grace period and schedules the
   *  additional site visit; the surveyor re-rates on it; the committee then holds the case for documents, the office
   *  records their receipt, and the head — to whom a hold is left — accredits: the number is given. */
  async office_records_the_decision(page, j, shared) {
    check(shared.accCase, 'no case');
    await signIn(page, 'committee@nintei.example');
    await page.goto(`${BASE}${shared.accCase}`);
    await page.check('form[action$="/votes"] input[name=outcome][value=defer]');
    await submitConfirmed(page, 'form[action$="/votes"]', j, '01-vote-confirmation');
    await look(page, j, '01-voted');
    await page.context().clearCookies();
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}${shared.accCase}`);
    // The committee's vote carries a deferral (the form shows the tally); deferred until 2027-05-01.
    check((await page.textContent('#decision-tally'))?.includes('延期1'), 'the tally is not shown');
    await page.check('form[action$="/decision"] input[name=outcome][value=defer]');
    await page.fill('#dc-date', '2026-11-01');
    await page.fill('#dc-grace', '2027-05-01');
    await submitConfirmed(page, 'form[action$="/decision"]', j, '02-decision-confirmation');
    check((await page.getAttribute('#case-status', 'data-status')) === 'deferred', 'not deferred');
    await look(page, j, '02-deferred');
    // The additional site visit inside the grace period.
    await page.fill('#pd-site', '2026-11-20');
    await page.fill('#pd-reason', '委員会の指示による追加の実地調査');
    await Promise.all([page.waitForURL(/done=/), page.click('form[action$="/plan-dates"] button[type=submit]')]);
    check((await page.textContent('main'))?.includes('2026-11-20'), 'the additional visit is not shown');
    await look(page, j, '03-additional-visit');
    await page.context().clearCookies();
    // The surveyor confirms the improvement on the visit: the first standard re-rated.
    await signIn(page, 'surveyor@nintei.example');
    await page.goto(`${BASE}${shared.accCase}/ratings?section=all`);
    const first = page.locator('form[action$="/ratings"]', { has: page.locator(`input[name=standard][value="${shared.ratedThree}"]`) });
    await first.locator('input[name=rating][value="1"]').check();
    await first.locator('textarea[name=comment]').fill('追加の実地調査で改善を確認しました');
    await Promise.all([page.waitForLoadState('load'), first.locator('button[type=submit]').click()]);
    await look(page, j, '04-re-rated', { fullPage: false });
    await page.context().clearCookies();
    // The committee holds the case for documents; the office records their receipt.
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}${shared.accCase}`);
    await page.check('form[action$="/decision"] input[name=outcome][value=hold]');
    await page.fill('#dc-date', '2026-11-25');
    await page.fill('#dc-reason', '研修記録の追加提出を求める');
    await submitConfirmed(page, 'form[action$="/decision"]');
    check((await page.getAttribute('#case-status', 'data-status')) === 'on_hold', 'not on hold');
    await page.fill('#hd-received', '2026-11-28');
    await Promise.all([page.waitForURL(/done=/), page.click('form[action$="/hold-documents"] button[type=submit]')]);
    await look(page, j, '05-on-hold-documents-received');
    // Only the head decides a held case.
    check((await page.locator('form[action$="/decision"] input[name=outcome][value=accredit]').count()) === 0,
      'the office may record accreditation on hold');
    await page.context().clearCookies();
    await signIn(page, 'head@nintei.example');
    await page.goto(`${BASE}${shared.accCase}`);
    await page.check('form[action$="/decision"] input[name=outcome][value=accredit]');
    await page.fill('#dc-date', '2026-12-01');
    await submitConfirmed(page, 'form[action$="/decision"]');
    check((await page.getAttribute('#case-status', 'data-status')) === 'accredited', 'not accredited');
    shared.accNumber = (await page.textContent('#accreditation-number'))?.trim();
    check(/^MH-2026-\d{4,}$/.test(shared.accNumber ?? ''), `accreditation number: ${shared.accNumber}`);
    await look(page, j, '06-accredited-by-the-head');
    await height(page, 'staff case page (accredited)');
    await page.context().clearCookies();
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}/accreditations/${shared.accNumber}`);
    await height(page, 'staff accreditation page');
  },

  /** The public finds the organization in the directory and verifies its certificate (ACC-23), no sign-in. */
  async public_finds_and_verifies(page, j, shared) {
    check(shared.accNumber, 'no accreditation number');
    await page.goto(`${BASE}/directory`);
    await look(page, j, '01-directory');
    await page.fill('#q', 'はまなす');
    await Promise.all([page.waitForURL(/[?&]q=/), page.locator('#q').press('Enter')]);
    const link = page.locator(`a[href="/directory/accreditations/${shared.accNumber}"]`);
    check((await link.count()) === 1, `the directory does not list ${shared.accNumber}`);
    // On a phone the results come right after the keyword box: the other filters are folded.
    await page.setViewportSize({ width: 390, height: 844 });
    check((await page.locator('details.filters').getAttribute('open')) === null, 'the filters are not folded');
    check(await link.isVisible(), 'the result is not shown');
    await look(page, j, '01b-phone', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
    await look(page, j, '02-search-results');
    // The listing page (ACC-23 items only), then its link to the certificate verification.
    await Promise.all([page.waitForURL(new RegExp(`/directory/accreditations/${shared.accNumber}$`)), link.click()]);
    await look(page, j, '02b-listing');
    const verify = page.locator(`main a[href="/verify/${shared.accNumber}"]`);
    await Promise.all([page.waitForURL(new RegExp(`/verify/${shared.accNumber}$`)), verify.click()]);
    const body = await page.textContent('main');
    check(body?.includes('NPO法人はまなすこころの相談室'), 'the certificate page does not name the organization');
    // Dates read as the office writes them (和暦 by default), the ISO date kept for machines.
    check((await page.locator('main time[datetime^="2029-"]').count()) > 0 && body?.includes('令和11年'), 'the certificate page does not show the expiry');
    await look(page, j, '03-verified');
    await page.goto(`${BASE}/verify/MH-1999-9999`);
    check((await page.textContent('main'))?.length > 0, 'no answer for an unknown number');
    await look(page, j, '04-unknown-number');
  },

  /** A counseling room is registered (REG-1 … REG-5): the office adds the room, the organization applies, the
   *  office registers it, and the directory lists it. */
  async counseling_room_is_registered(page, j, shared) {
    await signIn(page, 'office@nintei.example');
    // Among 300 organizations: found with the list's search box.
    await page.goto(`${BASE}/organizations`);
    await page.fill('#l-q', 'こころケア北九州');
    await Promise.all([page.waitForURL(/\/organizations\?q=/), page.click('form.list-controls button[type=submit]')]);
    await Promise.all([page.waitForURL(/\/organizations\/[0-9a-f-]{36}$/), page.click('main a:has-text("株式会社こころケア北九州")')]);
    await page.fill('#site-name', '門司相談室');
    await page.selectOption('#site-prefecture', '40');
    await page.fill('#site-address', '福岡県北九州市門司区港町1-1');
    await Promise.all([page.waitForURL(/\/organizations\/[0-9a-f-]{36}$/), page.click('#h-sites ~ form button[type=submit]')]);
    await page.context().clearCookies();

    await signIn(page, 'org@kokoro-care.example');
    await page.goto(`${BASE}/registration`);
    await look(page, j, '01-rooms');
    const row = page.locator('main tr', { hasText: '門司相談室' });
    await Promise.all([page.waitForURL(/\/registration\/apply\?site=/), row.locator('a.button').click()]);
    // An institution files online with today's date (REG-4: no back-dating); today in Japan.
    const today = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);
    await page.fill('#applied_on', today);
    await height(page, 'REG application form (folded)');
    // The form reads a part at a time: each part opens under its heading.
    const parts = await page.locator('details.part').count();
    check(parts === 5, `the application is not in parts (${parts})`);
    check((await page.locator('details.part[open]').count()) === 1, 'more than the first part open at the start');
    await openParts(page);
    for (const q of await page.locator('input[type=radio][name^="eligibility."]').evaluateAll((l) => [...new Set(l.map((e) => e.name))])) {
      await page.check(`input[name="${q}"][value=${q.endsWith('is_medical_care_facility') ? 'no' : 'yes'}]`);
    }
    for (const c of await page.locator('input[type=radio][name^="criteria."][value=yes]').all()) await c.check();
    await page.fill('#c0-name', '木村 さくら');
    await page.selectOption('#c0-q', 'certified_public_psychologist');
    await page.fill('#c0-y', '9');
    await page.check('input[name="counselors[0].full_time"]');
    // REG-3 1(2)イ per counselor: counseling is the main duty, at least three days a week.
    await page.check('input[name="counselors[0].main_duty"]');
    await page.check('input[name="counselors[0].three_days_a_week"]');
    await page.fill('#p0-name', '森 一成');
    await page.fill('#p0-y', '15');
    await page.selectOption('#p0-oh', 'ishl_13_2');
    await page.fill('#p0-in', 'もりメンタルクリニック（架空）');
    await page.fill('#p0-ia', '福岡県北九州市門司区港町2-2');
    await page.fill('#d-fee', '年間契約：従業員1人あたり月額300円');
    await page.fill('#d-hours', '平日 9:00〜18:00');
    for (const m of await page.locator('input[name="disclosure.methods"]').all()) await m.check();
    await page.fill('#d-other', '管理監督者研修');
    await page.fill('#d-track', '契約事業場 12社');
    for (const d of await page.locator('input[type=checkbox][name^="documents."]').all()) await d.check();
    await look(page, j, '02-application');
    // A draft first: saved and resumed as typed.
    await Promise.all([page.waitForSelector('#draft-note'), page.click('main form.card button[value=draft]')]);
    await openParts(page);
    check((await page.inputValue('#c0-name')) === '木村 さくら', 'the draft lost what was typed');
    await look(page, j, '02b-draft-resumed', { fullPage: false });
    // 入力→確認→完了: the application is restated before it is filed.
    await Promise.all([page.waitForSelector('#confirm-what'), page.click('#apply-submit')]);
    await look(page, j, '02c-confirm');
    await Promise.all([page.waitForURL(/\/registration\/cases\/[0-9a-f-]{36}/), page.click('#confirm-submit')]);
    const regCase = new URL(page.url()).pathname;
    await look(page, j, '03-submitted');
    await page.context().clearCookies();

    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}${regCase}`);
    await page.check('input[name=decision][value=register]');
    await page.fill('#decided_on', today);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/review"] button[type=submit]')]);
    const text = await page.textContent('main');
    const number = text?.match(/REG-\d{4}-\d{4}/)?.[0];
    check(number, 'no registration number after the review');
    shared.regNumber = number;
    await look(page, j, '04-registered');
    await page.context().clearCookies();
    await page.goto(`${BASE}/directory?q=${encodeURIComponent('門司')}`);
    check((await page.locator(`a[href="/directory/registrations/${number}"]`).count()) === 1, 'the directory does not list the room');
    await page.click(`a[href="/directory/registrations/${number}"]`);
    check((await page.textContent('main'))?.includes('木村 さくら'), 'the listing does not show its counselor (REG-5)');
    await look(page, j, '05-public-listing');
  },

  /** The office names the letters' issuer and the date style on the settings screen. */
  async office_sets_the_letters_issuer(page, j) {
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}/admin/settings`);
    await look(page, j, '01-settings');
    await page.fill('#s-reg_person', '登録 次郎');
    await page.selectOption('#s-date-style', 'wareki_western');
    await Promise.all([page.waitForURL(/saved=1/), page.click('main form.card > button[type=submit]')]);
    check((await page.inputValue('#s-reg_person')) === '登録 次郎', 'the issuer was not kept');
    check(await page.isVisible('p.notice[role=status]'), 'no saved notice');
    await look(page, j, '02-saved');
  },

  /** Anyone files a public report about a registered room (REG-7); the office sees it. */
  async public_report_is_filed(page, j, shared) {
    const number = shared.regNumber ?? 'REG-2026-0001';
    await page.goto(`${BASE}/report`);
    await look(page, j, '01-form');
    await page.fill('#number', number);
    await page.fill('#message', '相談の予約が何週間も取れません。表示されている受付時間と違います。');
    await page.click('main button[type=submit]');
    await page.waitForLoadState('load');
    check(!(await page.locator('#message-error').count()), 'the report was refused');
    await look(page, j, '02-received');
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}/registration/reports`);
    check((await page.textContent('main'))?.includes(number), 'the office does not see the report');
    await look(page, j, '03-office-sees-it');
  },

  /** An organization asks for an account, confirms its address from the mail, the office approves it from its
   *  queue, and the new user sets a password from the invitation and signs in. Mails are read on the office's
   *  outbox screen. */
  async account_request_is_approved(page, j) {
    const email = `wakaba-${Date.now()}@example.jp`;
    await page.goto(`${BASE}/login`);
    await Promise.all([page.waitForURL(/\/signup$/), page.click('a[href="/signup"]')]);
    await page.fill('#name', '株式会社わかば相談室');
    await page.selectOption('#legal_form', 'kabushiki_kaisha');
    await page.selectOption('#prefecture', '40');
    await page.fill('#address', '福岡県北九州市小倉北区浅野1-2-3');
    await page.fill('#representative', '代表取締役 若葉 一郎');
    await page.fill('#contact_name', '担当 若葉');
    await page.fill('#contact_email', email);
    await page.fill('#contact_phone', '093-555-0101');
    await look(page, j, '01-request');
    await Promise.all([page.waitForSelector('#signup-done'), page.click('main form button[type=submit]')]);
    const readLink = async (marker) => {
      await page.goto(`${BASE}/mail?q=${encodeURIComponent(email)}`);
      await Promise.all([page.waitForURL(/\/mail\/[0-9a-f-]{36}/), page.locator('main tbody a').first().click()]);
      const body = (await page.textContent('pre.mail-body')) ?? '';
      const at = body.indexOf(marker);
      check(at >= 0, `no ${marker} link in the mail`);
      return body.slice(at).split(/\s/)[0];
    };
    await signIn(page, 'office@nintei.example');
    const verify = await readLink('/signup/verify/');
    await page.context().clearCookies();
    await page.goto(`${BASE}${verify}`);
    await Promise.all([page.waitForSelector('#verify-done'), page.click('#verify-submit')]);
    await look(page, j, '02-address-confirmed');
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}/dashboard`);
    const item = page.locator('#tasks a', { hasText: '株式会社わかば相談室' }).first();
    check((await item.count()) === 1, 'the request is not in the office\'s queue');
    await look(page, j, '03-queue');
    // The queue reads on a phone too: no horizontal scrolling, the item still a link.
    await page.setViewportSize({ width: 390, height: 844 });
    await look(page, j, '03-queue-phone', { fullPage: false });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 1, `the queue scrolls sideways on a phone (${overflow}px)`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await Promise.all([page.waitForURL(/\/admin\/account-requests$/), item.click()]);
    const card = page.locator('main section', { hasText: '株式会社わかば相談室' });
    await Promise.all([page.waitForURL(/\/organizations\/[0-9a-f-]{36}$/), card.locator('form[action$="/approve"] button').click()]);
    await look(page, j, '04-organization-created');
    const invitation = await readLink('/password-reset/');
    await page.context().clearCookies();
    await page.goto(`${BASE}${invitation}`);
    await page.fill('#password', 'Wakaba-Kaede-Hinoki-2291');
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type=submit]')]);
    await page.goto(`${BASE}/login`);
    await page.fill('#email', email);
    await page.fill('#password', 'Wakaba-Kaede-Hinoki-2291');
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('main form button[type=submit]')]);
    check((await page.textContent('main'))?.includes('株式会社わかば相談室'), 'the new user does not see its organization');
    await look(page, j, '05-signed-in');
  },
  /** The office records a lapse (ACC-17): the form asks for confirmation, restating what will happen, before anything
   *  changes; going back changes nothing. */
  async lapse_asks_for_confirmation(page, j) {
    await signIn(page, 'office@nintei.example');
    await page.goto(`${BASE}/accreditations?only=active&sort=expires`);
    await Promise.all([page.waitForURL(/\/accreditations\/MH-/), page.locator('main table tbody a').first().click()]);
    const record = new URL(page.url()).pathname;
    const before = await page.textContent('main dl .tag');
    await height(page, 'staff accreditation page (generated)');
    await page.locator('details.action', { has: page.locator('form[action$="/lapse"]') }).locator('summary').click();
    await look(page, j, '01-lapse-form');
    const form = 'form[action$="/lapse"]';
    await page.selectOption(`${form} select`, { index: 1 });
    await page.fill(`${form} textarea`, '事業所の閉鎖の届出による');
    await Promise.all([page.waitForSelector('#confirm-what'), page.click(`${form} button[type=submit]`)]);
    check((await page.textContent('#confirm-what'))?.length > 0, 'the confirmation does not restate the lapse');
    await look(page, j, '02-confirm');
    // Going back changes nothing.
    await page.goto(`${BASE}${record}`);
    check((await page.textContent('main dl .tag')) === before, 'the lapse was recorded without confirmation');
    await page.locator('details.action', { has: page.locator(`${form}`) }).locator('summary').click();
    await page.selectOption(`${form} select`, { index: 1 });
    await page.fill(`${form} textarea`, '事業所の閉鎖の届出による');
    await submitConfirmed(page, form, j, '03-confirm-again');
    check((await page.textContent('main dl .tag')) !== before, 'the confirmed lapse changed nothing');
    await look(page, j, '04-lapsed');
  },

  /** The office's day through its lists at 300 organizations: each searched, filtered, sorted and paged. */
  async office_day_through_lists(page, j) {
    await signIn(page, 'office@nintei.example');
    const measure = (label) => height(page, label);
    const count = async () => Number((await page.textContent('#list-count'))?.match(/\d+/)?.[0] ?? -1);
    const apply = async () => {
      await Promise.all([page.waitForLoadState('load'), page.click('form.list-controls button[type=submit]')]);
    };
    // Organizations: 300 and more, 50 a page, the next page linked; a search narrows them.
    await page.goto(`${BASE}/organizations`);
    const all = await count();
    check(all >= 300, `the organization list says ${all}`);
    check((await page.locator('main table tbody tr').count()) === 50, 'not 50 organizations on the first page');
    await measure('organizations');
    await look(page, j, '01-organizations');
    await Promise.all([page.waitForURL(/page=2/), page.click('a[rel=next]')]);
    check((await page.textContent('#list-count'))?.includes('51–100'), 'the second page does not say 51–100');
    await page.fill('#l-q', 'メンタルヘルス協会');
    await apply();
    const found = await count();
    check(found > 0 && found < all, `the search found ${found} of ${all}`);
    check((await page.inputValue('#l-q')) === 'メンタルヘルス協会', 'the search box forgot the search');
    await look(page, j, '02-organizations-searched');
    // ACC cases: one status at a time, oldest first.
    await page.goto(`${BASE}/accreditation/cases`);
    const cases = await count();
    await page.selectOption('#l-only', { index: 1 });
    await page.selectOption('#l-sort', 'oldest');
    await apply();
    check((await count()) < cases, 'the status filter kept every case');
    await measure('accreditation cases (one status)');
    await look(page, j, '03-cases-filtered');
    // Accreditations by expiry; registrations searched by number and paged.
    await page.goto(`${BASE}/accreditations?sort=expires`);
    check((await count()) > 50, 'fewer accreditations than one page');
    await measure('accreditations');
    await look(page, j, '04-accreditations');
    await page.goto(`${BASE}/registration`);
    const regs = await count();
    check(regs >= 300, `the registration list says ${regs}`);
    await measure('registration');
    await page.fill('#l-q', 'REG-');
    await page.selectOption('#l-sort', 'expires');
    await apply();
    check((await page.locator('a[rel=next]').count()) === 1, 'the registrations are not paged');
    await look(page, j, '05-registrations');
    // Deadlines: only the overdue ones; the mail list.
    await page.goto(`${BASE}/deadlines`);
    await measure('deadlines');
    await page.selectOption('#l-only', 'overdue');
    await apply();
    check(!(await page.textContent('main'))?.includes('7日以内（'), 'the overdue filter shows this week');
    await look(page, j, '06-deadlines-overdue');
    await page.goto(`${BASE}/mail`);
    await measure('mail');
    await look(page, j, '07-mail');
  },
};

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Playwright gives every launch a new, empty --user-data-dir of its own.
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
const only = process.argv.slice(2);
const results = [];
const shared = {};
try {
  for (const [name, journey] of Object.entries(journeys)) {
    if (only.length && !only.includes(name)) continue;
    const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // A page's own status (400 for a form with errors, 404 for a hidden record) is the journey's business;
    // any failing sub-resource (style, script, icon) and any other console error (a CSP refusal) is not.
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const failedLoad = m.text().startsWith('Failed to load resource');
      if (!failedLoad || m.location().url !== page.url()) pageErrors.push(`${m.text()} (${m.location().url})`);
    });
    const started = performance.now();
    try {
      await journey(page, name, shared);
      check(pageErrors.length === 0, `errors in the page (CSP?): ${pageErrors.join('; ')}`);
      results.push({ name, ok: true, ms: performance.now() - started });
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, `${name}--FAILED.png`), fullPage: true }).catch(() => {});
      results.push({ name, ok: false, ms: performance.now() - started, error: e instanceof JourneyError ? e.message : String(e.stack ?? e) });
    }
    await context.close();
  }
} finally {
  await browser.close();
}

console.log(`page heights: ${heights.join('; ')}`);
for (const r of results) {
  console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name} (${Math.round(r.ms)} ms)${r.ok ? '' : `\n     ${r.error}`}`);
}
const failing = a11yFindings.filter((f) => FAILING_IMPACTS.has(f.impact));
for (const f of a11yFindings) {
  const mark = FAILING_IMPACTS.has(f.impact) ? 'A11Y' : 'a11y';
  console.log(`${mark} [${f.impact}] ${f.id} on ${f.page} in ${f.journey}: ${f.help}\n     ${f.nodes.join('\n     ')}`);
}
console.log(
  `${results.filter((r) => r.ok).length}/${results.length} journeys passed; axe checked ${checkedPages.size} distinct pages ` +
    `(${[...checkedPages].sort().join(', ')}); ${failing.length} serious/critical, ${a11yFindings.length - failing.length} other findings; ` +
    `screenshots in ${SHOTS}`,
);
process.exit(results.every((r) => r.ok) && failing.length === 0 ? 0 : 1);

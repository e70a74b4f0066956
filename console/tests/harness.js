// Test harness: real ferryd processes on port 0 with a temporary data dir (and, when
// FERRY_TEST_BACKEND=postgres, a fresh PostgreSQL database each, as tests/support does for the
// C++ tests), plus API helpers to set tenants, users and campaigns up, sign a browser in, take
// screenshots and run axe-core.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;

const CONSOLE_DIR = path.resolve(__dirname, '..');
const SOURCE_DIR = path.resolve(CONSOLE_DIR, '..');
const OUTPUT_DIR = process.env.FERRY_CONSOLE_OUTPUT || path.join(CONSOLE_DIR, 'test-results');
const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');

function ferrydPath() {
  return process.env.FERRYD || path.join(SOURCE_DIR, 'build', 'dev', 'service', 'ferryd');
}

// ---- PostgreSQL (FERRY_TEST_BACKEND=postgres) ------------------------------------------------

let privateCluster = null;

// The owner's URL of the server to create test databases on: FERRY_TEST_DATABASE, or a private
// cluster started with scripts/test-postgres (stopped when this worker exits).
function postgresServer() {
  const env = process.env.FERRY_TEST_DATABASE;
  if (env) return env;
  if (privateCluster) return privateCluster.url;
  const dir = fs.mkdtempSync('/tmp/ferry-pg-');
  let lastError;
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const port = 20000 + crypto.randomInt(12000);
    try {
      const out = execFileSync(path.join(SOURCE_DIR, 'scripts', 'test-postgres'), ['start', dir, String(port)], { encoding: 'utf8' });
      const lines = out.trim().split('\n');
      privateCluster = { dir, url: lines[lines.length - 1].trim() };
      process.on('exit', () => {
        try {
          execFileSync(path.join(SOURCE_DIR, 'scripts', 'test-postgres'), ['stop', dir], { stdio: 'ignore' });
          fs.rmSync(dir, { recursive: true, force: true });
        } catch { /* best effort */ }
      });
      return privateCluster.url;
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`scripts/test-postgres start failed: ${lastError}`);
}

function psql(url, sql) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

// A fresh database per server, like tests/support/test_database.cpp: {appURL, ownerURL, drop()}.
function createTestDatabase() {
  const server = postgresServer();
  const slash = server.indexOf('/', server.indexOf('://') + 3);
  const schemeUserHost = server.slice(0, slash);
  const hostPort = schemeUserHost.slice(schemeUserHost.indexOf('@') + 1);
  const name = `ferry_c${process.pid}_${crypto.randomInt(1e9)}`;
  const adminURL = `${schemeUserHost}/postgres`;
  psql(adminURL, `CREATE DATABASE ${name} TEMPLATE template0`);
  const appUser = process.env.FERRY_TEST_DATABASE_APP_USER || 'ferry_app';
  return {
    name,
    appURL: `postgres://${appUser}@${hostPort}/${name}`,
    ownerURL: `${schemeUserHost}/${name}`,
    drop: () => {
      try {
        psql(adminURL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch { /* best effort */ }
    },
  };
}

// ---- ferryd ----------------------------------------------------------------------------------

// Starts ferryd on 127.0.0.1:0. The console is served from console/app (--console-dir) so that
// the tests always test the files as they are, without a rebuild; FERRY_CONSOLE_EMBEDDED=1 tests
// the copy compiled into the binary instead.
async function startFerryd({ testClock = false, args = [] } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-console-'));
  const argv = ['--listen', '127.0.0.1:0', '--data-dir', dataDir];
  if (process.env.FERRY_CONSOLE_EMBEDDED !== '1') argv.push('--console-dir', path.join(CONSOLE_DIR, 'app'));
  if (testClock) argv.push('--test-clock');
  let database = null;
  if (process.env.FERRY_TEST_BACKEND === 'postgres') {
    database = createTestDatabase();
    argv.push('--database', database.appURL, '--database-owner', database.ownerURL, '--database-pool', '8');
  }
  argv.push(...args);
  const child = spawn(ferrydPath(), argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FERRY_LOG_LEVEL: 'info' } });
  let log = '';
  child.stdout.on('data', () => {});
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ferryd did not report its port within 60 s; its log:\n${log}`)), 60_000);
    child.stderr.on('data', (chunk) => {
      log += chunk.toString();
      if (log.length > 200_000) log = log.slice(-100_000);
      const m = log.match(/"msg":"listening".*?"port":(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ferryd exited (${code ?? signal}) before listening; its log:\n${log}`));
    });
  });
  const tokenFile = path.join(dataDir, 'operator-token');
  const operatorToken = process.env.FERRY_OPERATOR_TOKEN || fs.readFileSync(tokenFile, 'utf8').trim();
  const baseURL = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    baseURL,
    port,
    operatorToken,
    dataDir,
    log: () => log,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      if (database) database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---- API helpers -----------------------------------------------------------------------------

// One HTTP request: {status, body (parsed JSON or text), headers}.
async function apiCall(server, method, apiPath, body, token, headers = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined && body !== null) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(server.baseURL + apiPath, init);
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

// Like apiCall, but fails the test unless the status is the expected one; answers the body.
async function must(server, status, method, apiPath, body, token, headers) {
  const res = await apiCall(server, method, apiPath, body, token, headers);
  if (res.status !== status) {
    throw new Error(`${method} ${apiPath}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

// A tenant with its sandboxes (a name containing "prod" makes a production sandbox): {id, adminToken}.
async function makeTenant(server, id, sandboxes = ['dev'], { requireApproval = {} } = {}) {
  const created = await must(server, 201, 'POST', '/v1/tenants', { id, name: `Tenant ${id}` }, server.operatorToken);
  const adminToken = created.admin_token;
  for (const s of sandboxes) {
    const body = { id: s, type: s.includes('prod') ? 'production' : 'development' };
    if (requireApproval[s]) body.require_approval = requireApproval[s];
    await must(server, 201, 'POST', `/v1/tenants/${id}/sandboxes`, body, adminToken);
  }
  return { id, adminToken };
}

// A user with roles ([{sandbox, role}] or ["dev:editor", "*:viewer"]) and a token: answers the token.
async function makeUser(server, tenant, adminToken, userId, roles, { name } = {}) {
  const list = roles.map((r) => (typeof r === 'string' ? { sandbox: r.split(':')[0], role: r.split(':')[1] } : r));
  await must(server, 201, 'POST', `/v1/tenants/${tenant}/users`, { id: userId, name: name || userId, roles: list }, adminToken);
  const token = await must(server, 201, 'POST', `/v1/tenants/${tenant}/users/${userId}/tokens`, { name: 'test' }, adminToken);
  return token.token;
}

// A one-time sign-in link for a user: {code, path, expires_at}.
async function signInLink(server, tenant, adminToken, user) {
  return must(server, 201, 'POST', `/v1/tenants/${tenant}/users/${user}/sign-in-links`, {}, adminToken);
}

// Opens a fresh sign-in link for the user in the page (or a new page of the context) and waits
// until the console has left the sign-in page. Answers the page.
async function signInAs(pageOrContext, server, tenant, adminToken, user) {
  const page = typeof pageOrContext.newPage === 'function' ? await pageOrContext.newPage() : pageOrContext;
  const link = await signInLink(server, tenant, adminToken, user);
  await page.goto(server.baseURL + link.path);
  await expect(page).not.toHaveURL(/\/sign-in/);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  return page;
}

// A link of the header's main navigation ("Campaigns", "Calendar", ...).
function navLink(page, name) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: name !== 'Reviews' });
}

function sandboxPath(tenant, sandbox) {
  return `/v1/tenants/${tenant}/sandboxes/${sandbox}`;
}

async function makeSegment(server, tenant, sandbox, token, name = 'Everyone') {
  return must(server, 201, 'POST', `${sandboxPath(tenant, sandbox)}/segments`, { name, rule: { all: true } }, token);
}

// A campaign (draft) with inline email content; fields override the defaults.
async function makeCampaign(server, tenant, sandbox, token, fields = {}) {
  const body = {
    name: 'Campaign',
    type: 'api_triggered',
    channels: ['email'],
    content: { email: { subject: 'Hello', body: '<p>Hello</p>' } },
    ...fields,
  };
  return must(server, 201, 'POST', `${sandboxPath(tenant, sandbox)}/campaigns`, body, token);
}

async function campaignAction(server, tenant, sandbox, token, id, action, body = {}) {
  return apiCall(server, 'POST', `${sandboxPath(tenant, sandbox)}/campaigns/${id}/actions/${action}`, body, token);
}

// Brings a new campaign to a status through its real lifecycle (sandboxes without approval).
async function campaignIn(server, tenant, sandbox, token, status, fields = {}) {
  const c = await makeCampaign(server, tenant, sandbox, token, fields);
  const act = async (a) => {
    const r = await campaignAction(server, tenant, sandbox, token, c.id, a);
    if (r.status !== 200) throw new Error(`${a} ${c.id}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  let result = c;
  switch (status) {
    case 'draft': break;
    case 'active': result = await act('activate'); break;
    case 'scheduled': result = await act('activate'); break;
    case 'paused': await act('activate'); result = await act('pause'); break;
    case 'stopped': await act('activate'); result = await act('stop'); break;
    case 'archived': await act('activate'); result = await act('archive'); break;
    case 'completed': throw new Error('completed needs the test clock: activate, then advance 3 days');
    default: throw new Error(`campaignIn: ${status}`);
  }
  return result;
}

async function advanceClock(server, seconds) {
  return must(server, 200, 'POST', '/v1/operator/clock', { advance_seconds: seconds }, server.operatorToken);
}

// ---- Browser helpers -------------------------------------------------------------------------

// Saves a full-view screenshot as <output>/screenshots/<name>.png.
async function screenshot(page, name, { fullPage = false } = {}) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

// axe-core on the page as it is: fails on serious or critical violations, listing them.
async function checkA11y(page, name) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
  expect(bad, `axe-core on ${name}:\n${report}`).toEqual([]);
  return results;
}

// Fails the test on any page error, console error or dialog (a script that should never run).
function watchForScripts(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  return problems;
}

// This ISO week ("2026-W49") of a date, in UTC.
function isoWeek(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

module.exports = {
  startFerryd,
  apiCall,
  must,
  makeTenant,
  makeUser,
  signInLink,
  signInAs,
  navLink,
  sandboxPath,
  makeSegment,
  makeCampaign,
  campaignAction,
  campaignIn,
  advanceClock,
  screenshot,
  checkA11y,
  watchForScripts,
  isoWeek,
  OUTPUT_DIR,
  SCREENSHOT_DIR,
};

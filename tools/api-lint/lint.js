#!/usr/bin/env node
// Lints an OpenAPI document with Redocly (redocly.yaml) and Spectral (.spectral.yaml), the tools
// pinned in package-lock.json (`npm ci` installs them). Exits 0 only when both report no error and
// no warning (and Redocly ignored nothing); prints every finding otherwise.
//
//   node tools/api-lint/lint.js [docs/openapi.json]
//
// No network: Redocly's telemetry and update check are switched off, and Spectral's ruleset is
// its built-in one.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const doc = path.resolve(process.argv[2] || path.join(here, '..', '..', 'docs', 'openapi.json'));
const bin = (name) => path.join(here, 'node_modules', '.bin', name);

for (const tool of ['redocly', 'spectral']) {
  if (!fs.existsSync(bin(tool))) {
    console.error(`api-lint: ${bin(tool)} is missing: run \`npm ci\` in ${here}`);
    process.exit(2);
  }
}
if (!fs.existsSync(doc)) {
  console.error(`api-lint: no such document: ${doc}`);
  process.exit(2);
}

const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
const run = (tool, args) => spawnSync(bin(tool), args, { cwd: here, env, encoding: 'utf8', maxBuffer: 64 << 20 });
let failed = false;

// Redocly: its JSON report counts errors, warnings and ignored problems.
const redocly = run('redocly', ['lint', '--config', path.join(here, 'redocly.yaml'), '--format=json', '--max-problems=1000', doc]);
let report = null;
try {
  report = JSON.parse(redocly.stdout);
} catch {
  // reported below
}
if (!report || !report.totals) {
  console.error('redocly: no report (exit status ' + redocly.status + ')');
  process.stderr.write(redocly.stdout || '');
  process.stderr.write(redocly.stderr || '');
  failed = true;
} else {
  for (const p of report.problems) {
    const where = (p.location || []).map((l) => l.pointer).join(', ');
    console.log(`redocly: ${p.severity} ${p.ruleId}: ${p.message} at ${where}`);
  }
  const { errors, warnings, ignored } = report.totals;
  console.log(`redocly ${report.version}: ${errors} errors, ${warnings} warnings, ${ignored} ignored (exit status ${redocly.status})`);
  if (redocly.status !== 0 || errors + warnings + ignored > 0) failed = true;
}

// Spectral: --fail-severity=warn makes a warning fail the run.
const spectral = run('spectral', ['lint', '--ruleset', path.join(here, '.spectral.yaml'), '--fail-severity=warn', '--format=stylish', doc]);
process.stdout.write(spectral.stdout || '');
process.stderr.write(spectral.stderr || '');
const spectralVersion = require(path.join(here, 'node_modules', '@stoplight', 'spectral-cli', 'package.json')).version;
console.log(`spectral ${spectralVersion}: exit status ${spectral.status}`);
if (spectral.status !== 0) failed = true;

console.log(failed ? `api-lint: ${doc} FAILED` : `api-lint: ${doc} passed: no error, no warning`);
process.exit(failed ? 1 : 0);

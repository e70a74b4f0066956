// A small world for the campaign, form and review specs: tenant, users by role, a 2-approval
// policy on prod, segments, templates and campaigns in the states the views show.
const H = require('./harness');

const TENANT = 'acme';

async function makeWorld(server, { tenant = TENANT, policy = true } = {}) {
  const { adminToken } = await H.makeTenant(server, tenant, ['dev', 'prod']);
  const tokens = { admin: adminToken };
  tokens.ed = await H.makeUser(server, tenant, adminToken, 'ed', ['*:editor'], { name: 'Edith Editor' });
  tokens.eve = await H.makeUser(server, tenant, adminToken, 'eve', ['*:editor'], { name: 'Eve Editor' });
  tokens.rita = await H.makeUser(server, tenant, adminToken, 'rita', ['*:reviewer'], { name: 'Rita Reviewer' });
  tokens.remy = await H.makeUser(server, tenant, adminToken, 'remy', ['*:reviewer'], { name: 'Remy Reviewer' });
  tokens.vic = await H.makeUser(server, tenant, adminToken, 'vic', ['*:viewer'], { name: 'Victor Viewer' });
  let policyObj = null;
  if (policy) {
    policyObj = await H.must(server, 201, 'POST', `/v1/tenants/${tenant}/approval-policies`, {
      name: 'Prod campaigns: two reviewers',
      scope: 'campaign',
      conditions: { all: [{ field: 'sandbox', op: 'equals', value: 'prod' }] },
      approvers: { role: 'reviewer' },
      required_approvals: 2,
    }, adminToken);
  }
  const segments = {};
  for (const sb of ['dev', 'prod']) {
    segments[sb] = await H.makeSegment(server, tenant, sb, tokens.ed, 'Newsletter subscribers');
  }
  return { tenant, tokens, segments, policy: policyObj, adminToken };
}

function campaignsPath(tenant, sandbox) {
  return `${H.sandboxPath(tenant, sandbox)}/campaigns`;
}

async function getCampaign(server, tenant, sandbox, token, id) {
  const res = await H.apiCall(server, 'GET', `${campaignsPath(tenant, sandbox)}/${id}`, undefined, token);
  return { ...res.body, etag: res.headers.get('etag') };
}

async function act(server, tenant, sandbox, token, id, action, body = {}) {
  const r = await H.campaignAction(server, tenant, sandbox, token, id, action, body);
  if (r.status !== 200 && r.status !== 201) throw new Error(`${action} ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function putDraft(server, tenant, sandbox, token, id, spec) {
  return H.must(server, 200, 'PUT', `${campaignsPath(tenant, sandbox)}/${id}/draft`, spec, token);
}

function specOf(c) {
  const { name, description, channels, schedule, audience, content } = c;
  return { name, description, channels, schedule, audience, content };
}

module.exports = { TENANT, makeWorld, campaignsPath, getCampaign, act, putDraft, specOf };

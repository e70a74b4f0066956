// Console URLs, one place (the views link to each other through these).

const e = encodeURIComponent;

export const paths = {
  signIn: () => '/sign-in',
  sandbox: (t, s) => `/t/${e(t)}/s/${e(s)}`,
  inventory: (t, s, query) => `/t/${e(t)}/s/${e(s)}/campaigns${qs(query)}`,
  inAppPriority: (t, s) => `/t/${e(t)}/s/${e(s)}/in-app-priority`,
  calendar: (t, s, week) => `/t/${e(t)}/s/${e(s)}/calendar${week ? `?week=${e(week)}` : ''}`,
  campaign: (t, s, c) => `/t/${e(t)}/s/${e(s)}/campaigns/${e(c)}`,
  newCampaign: (t, s) => `/t/${e(t)}/s/${e(s)}/campaigns/new`,
  editCampaign: (t, s, c) => `/t/${e(t)}/s/${e(s)}/campaigns/${e(c)}/edit`,
  segments: (t, s) => `/t/${e(t)}/s/${e(s)}/segments`,
  newSegment: (t, s) => `/t/${e(t)}/s/${e(s)}/segments/new`,
  segment: (t, s, id) => `/t/${e(t)}/s/${e(s)}/segments/${e(id)}`,
  templates: (t, s) => `/t/${e(t)}/s/${e(s)}/templates`,
  newTemplate: (t, s) => `/t/${e(t)}/s/${e(s)}/templates/new`,
  template: (t, s, id) => `/t/${e(t)}/s/${e(s)}/templates/${e(id)}`,
  reviews: (t) => `/t/${e(t)}/reviews`,
  review: (t, r) => `/t/${e(t)}/reviews/${e(r)}`,
  pipelines: (t) => `/t/${e(t)}/pipelines`,
  promotion: (t, id) => `/t/${e(t)}/promotions/${e(id)}`,
  promote: (t, query) => `/t/${e(t)}/promote${qs(query)}`,
  sandboxSettings: (t, s) => `/t/${e(t)}/s/${e(s)}/settings`,
  campaignReport: (t, s, c, period) => `/t/${e(t)}/s/${e(s)}/campaigns/${e(c)}/report${period === 'full' ? '?period=full' : ''}`,
  sandboxReports: (t, s) => `/t/${e(t)}/s/${e(s)}/reports`,
  imports: (t, s) => `/t/${e(t)}/s/${e(s)}/imports`,
  importPlan: (t, s, query) => `/t/${e(t)}/s/${e(s)}/imports/new${qs(query)}`,
  importRecord: (t, s, id) => `/t/${e(t)}/s/${e(s)}/imports/${e(id)}`,
  packages: (t) => `/t/${e(t)}/packages`,
  package: (t, p) => `/t/${e(t)}/packages/${e(p)}`,
  packageVersion: (t, p, v) => `/t/${e(t)}/packages/${e(p)}/versions/${e(v)}`,
  packageDiff: (t, p, from, to) => `/t/${e(t)}/packages/${e(p)}/diff${qs({ from, to })}`,
  admin: (t, section) => `/t/${e(t)}/admin${section ? `/${e(section)}` : ''}`,
  drift: (t, s) => `/t/${e(t)}/s/${e(s)}/drift`,
};

function qs(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

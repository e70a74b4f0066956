// The console's entry point: every route, then the router.

import { route, start } from './lib/router.js';
import { renderHeader, renderHome } from './views/shell.js';
import { renderSignIn } from './views/sign-in.js';
import { renderInventory } from './views/inventory.js';
import { renderCalendar } from './views/calendar.js';
import { renderInAppPriority } from './views/in-app-priority.js';
import { renderCampaign } from './views/campaign.js';
import {
  renderCampaignForm, renderSegmentList, renderSegmentForm, renderTemplateList, renderTemplateForm,
} from './views/forms.js';
import { renderReviewQueue, renderReview } from './views/reviews.js';
import { renderPipelines, renderPromotion, renderPromote } from './views/pipelines.js';
import { renderSandboxSettings } from './views/sandbox-settings.js';
import { renderCampaignReport, renderSandboxReports } from './views/reports.js';
import { renderImports, renderImport, renderImportPlan } from './views/imports.js';
import {
  renderAdminHome, renderAdminSandboxes, renderAdminUsers, renderAdminUser, renderAdminWebhooks, renderAdminAudit, renderAdminKeys,
} from './views/admin.js';
import { renderAdminPolicies, renderAdminPolicy } from './views/admin-policies.js';
import { renderPackages, renderPackage, renderPackageVersion, renderPackageDiff } from './views/packages.js';
import { renderDrift } from './views/drift.js';

const S = '/t/:tenant/s/:sandbox';

route('/sign-in', renderSignIn);
route('/', renderHome);
route(`${S}`, renderHome);
route(`${S}/campaigns`, renderInventory);
route(`${S}/calendar`, renderCalendar);
route(`${S}/in-app-priority`, renderInAppPriority);
route(`${S}/campaigns/new`, renderCampaignForm);
route(`${S}/campaigns/:campaign`, renderCampaign);
route(`${S}/campaigns/:campaign/edit`, renderCampaignForm);
route(`${S}/segments`, renderSegmentList);
route(`${S}/segments/new`, renderSegmentForm);
route(`${S}/segments/:segment`, renderSegmentForm);
route(`${S}/templates`, renderTemplateList);
route(`${S}/templates/new`, renderTemplateForm);
route(`${S}/templates/:template`, renderTemplateForm);
route('/t/:tenant/reviews', renderReviewQueue);
route('/t/:tenant/reviews/:review', renderReview);
route('/t/:tenant/pipelines', renderPipelines);
route('/t/:tenant/promote', renderPromote);
route('/t/:tenant/promotions/:promotion', renderPromotion);
route(`${S}/settings`, renderSandboxSettings);
route(`${S}/campaigns/:campaign/report`, renderCampaignReport);
route(`${S}/reports`, renderSandboxReports);
route(`${S}/imports`, renderImports);
route(`${S}/imports/new`, renderImportPlan);
route(`${S}/imports/:import`, renderImport);
route('/t/:tenant/packages', renderPackages);
route('/t/:tenant/packages/:package', renderPackage);
route('/t/:tenant/packages/:package/versions/:version', renderPackageVersion);
route('/t/:tenant/packages/:package/diff', renderPackageDiff);
route('/t/:tenant/admin', renderAdminHome);
route('/t/:tenant/admin/sandboxes', renderAdminSandboxes);
route('/t/:tenant/admin/users', renderAdminUsers);
route('/t/:tenant/admin/users/:user', renderAdminUser);
route('/t/:tenant/admin/policies', renderAdminPolicies);
route('/t/:tenant/admin/policies/new', renderAdminPolicy);
route('/t/:tenant/admin/policies/:policy', renderAdminPolicy);
route('/t/:tenant/admin/webhooks', renderAdminWebhooks);
route('/t/:tenant/admin/audit', renderAdminAudit);
route('/t/:tenant/admin/keys', renderAdminKeys);
route(`${S}/drift`, renderDrift);

start({ beforeRender: renderHeader });

/**
 * Azure AD (Entra ID), as the product documentation (seed) describes it: steps 1–2 happen before
 * the guide; the guide is steps 3–10, in the seed's words.
 */
import { AUTHENTICATION_SECRET, ENDPOINT_BASE_URL, type ProviderGuide } from './types.js';

export const azureAdGuide: ProviderGuide = {
  provider: 'azure-ad',
  label: 'Azure AD',
  directoryName: 'Azure AD',
  summary: 'Turn on automatic provisioning in your Enterprise Application, paste two values from here, and Azure starts provisioning users.',
  prerequisites: [
    { parts: ["1.) If you haven't already, first create a SAML 2.0 application for SCIM Directory Sync in Azure ."] },
    { parts: ['2.) Setup a new SCIM provider in SCIM Directory Sync.'] },
  ],
  steps: [
    {
      id: 'azure-portal',
      number: 3,
      title: 'Open your directory',
      link: { id: 'azure-portal', label: 'Open portal.azure.com' },
      values: [],
      lines: [
        {
          parts: [
            'Go to ',
            { ui: 'portal.azure.com' },
            ' and sign in. Navigate to the Azure Active Directory for which you will be using SCIM Directory Sync. Most likely this is ',
            { ui: 'Default Directory' },
            '.',
          ],
        },
      ],
    },
    {
      id: 'azure-enterprise-app',
      number: 4,
      title: 'Open the Enterprise Application',
      values: [],
      lines: [{ parts: ['Find the ', { ui: 'Enterprise Application' }, ' you created in step 1 when configuring SAML SSO and go to it.'] }],
    },
    {
      id: 'azure-get-started',
      number: 5,
      title: 'Start provisioning setup',
      values: [],
      lines: [{ parts: ['Select ', { ui: 'Provisioning' }, ' from the sidebar then ', { ui: 'Get Started' }, '.'] }],
    },
    {
      id: 'azure-credentials',
      number: 6,
      title: 'Enter the Tenant URL and Secret Token',
      check: 'probe',
      values: [ENDPOINT_BASE_URL, AUTHENTICATION_SECRET],
      lines: [
        {
          parts: ['Change ', { ui: 'Provisioning Mode' }, ' to ', { ui: 'Automatic' }, '. A form will appear.'],
          bullets: [
            { parts: ['Enter the ', { value: ENDPOINT_BASE_URL }, ' from the SCIM Directory Sync app into ', { ui: 'Tenant URL' }, ' in Azure.'] },
            { parts: ['Enter the ', { value: AUTHENTICATION_SECRET }, ' from the SCIM Directory Sync app into ', { ui: 'Secret Token' }, ' in Azure.'] },
            { parts: [{ ui: 'Save' }, ' then click ', { ui: 'Test Connection' }, '.'] },
          ],
        },
      ],
    },
    {
      id: 'azure-save-again',
      number: 7,
      title: 'Save again',
      values: [],
      lines: [
        {
          parts: ['After a successful connection test, click the ', { ui: 'Save' }, " button again, otherwise you won't be able to finish the remaining steps."],
        },
      ],
    },
    {
      id: 'azure-mappings',
      number: 8,
      title: 'Edit the Mappings',
      values: [],
      lines: [
        {
          parts: ['Now edit the ', { ui: 'Mappings' }, ' of ', { ui: 'Provisioning > Automatic' }, ':'],
          bullets: [
            { parts: [{ ui: 'Disable group mapping' }, '.'] },
            { parts: ['Enter a ', { ui: 'system notification email' }, ' to be notified of failed user syncing (optional but recommended).'] },
            { parts: ['Ensure ', { ui: 'Provisioning status' }, ' is ', { ui: 'Enabled' }] },
            { parts: ['Save and exit.'] },
          ],
        },
      ],
    },
    {
      id: 'azure-done',
      number: 9,
      title: 'Click Done',
      check: 'done',
      values: [],
      lines: [{ parts: ['Back in the SCIM Directory Sync app, click ', { ui: 'Done' }, '.'] }],
    },
    {
      id: 'azure-start-provisioning',
      number: 10,
      title: 'Start provisioning',
      check: 'firstRequest',
      values: [],
      lines: [
        {
          parts: [
            'Back in Azure, in the sidebar under ',
            { ui: 'Manage > Provisioning' },
            ' click either ',
            { ui: 'Start Provisioning' },
            ' or ',
            { ui: 'Provision on demand' },
            '. Azure will now begin provisioning users',
          ],
        },
      ],
    },
  ],
};

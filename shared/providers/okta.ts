/**
 * Okta, as the product documentation (seed) describes it: steps 1–2 happen before the guide
 * (the SAML app, and the form in this app); the guide is steps 3–7, in the seed's words.
 */
import { AUTHENTICATION_SECRET, ENDPOINT_BASE_URL, literal, type ProviderGuide } from './types.js';

export const oktaGuide: ProviderGuide = {
  provider: 'okta',
  label: 'Okta',
  directoryName: 'Okta',
  summary: 'Turn on SCIM provisioning in your Okta app, paste two values from here, and Okta starts syncing users.',
  prerequisites: [
    { parts: ["1.) If you haven't already, first create a SAML 2.0 application for SCIM Directory Sync in Okta ."] },
    { parts: ['2.) Setup a new SCIM provider in SCIM Directory Sync.'] },
  ],
  steps: [
    {
      id: 'okta-enable-scim',
      number: 3,
      title: 'Set Provisioning to SCIM',
      link: { id: 'okta-admin', label: 'Open the Okta Admin Console' },
      values: [],
      lines: [
        {
          parts: [
            'In Okta, go to ',
            { ui: 'Applications' },
            ', view the SCIM Directory Sync SAML 2.0 application, then go to ',
            { ui: 'General > App Settings' },
            ' and ',
            { ui: 'Edit' },
            '. Now set ',
            { ui: 'Provisioning' },
            ' to ',
            { ui: 'SCIM' },
            ' and save the settings.',
          ],
        },
      ],
    },
    {
      id: 'okta-scim-connection',
      number: 4,
      title: 'Fill in the SCIM Connection form',
      check: 'probe',
      values: [literal('SCIM version', '2.0'), ENDPOINT_BASE_URL, literal('Unique identifier field for users', 'userName'), AUTHENTICATION_SECRET],
      lines: [
        {
          parts: [
            'While still viewing the application in Okta, a new ',
            { ui: 'Provisioning tab' },
            ' will now be visible. Click this tab, then select ',
            { ui: 'SCIM Connection > Integration > Edit' },
            '. Fill in the form:',
          ],
          bullets: [
            { parts: ['For ', { ui: 'SCIM version' }, ', enter ', { value: literal('SCIM version', '2.0') }, '.'] },
            { parts: ['For ', { ui: 'SCIM connector base URL' }, ' enter the ', { value: ENDPOINT_BASE_URL }, ' from the SCIM Directory Sync app.'] },
            {
              parts: [
                'For ',
                { ui: 'Unique identifier field for users' },
                ', enter ',
                { value: literal('Unique identifier field for users', 'userName') },
                '.',
              ],
            },
            {
              parts: ['Enable the following ', { ui: 'Supported provisioning actions' }, ':'],
              bullets: [
                { parts: [{ ui: 'Import New Users and Profile Updates' }] },
                { parts: [{ ui: 'Push New Users' }] },
                { parts: [{ ui: 'Push Profile Updates' }] },
              ],
            },
            { parts: ['For ', { ui: 'Authentication Mode' }, ', select ', { ui: 'HTTP Header' }] },
            {
              parts: ['For ', { ui: 'HTTP Header Authorization Bearer' }, ', enter the ', { value: AUTHENTICATION_SECRET }, ' from the SCIM Directory Sync app.'],
            },
            { parts: ['Save the form in Okta.'] },
          ],
        },
      ],
    },
    {
      id: 'okta-to-app',
      number: 5,
      title: 'Enable provisioning To App',
      values: [],
      lines: [
        {
          parts: ['More options will now be available in the ', { ui: 'Provisioning > Settings' }, ' sidebar. You should see ', { ui: 'To App' }, ' and ', { ui: 'To Okta' }, '.'],
          bullets: [
            { parts: ['Select ', { ui: 'To App' }, ' and ', { ui: 'Provisioning to App > Edit' }, '.'] },
            { parts: ['Enable the following:'], bullets: [{ parts: [{ ui: 'Create Users' }] }, { parts: [{ ui: 'Deactivate Users' }] }] },
          ],
        },
      ],
    },
    {
      id: 'okta-done',
      number: 6,
      title: 'Click Done',
      check: 'done',
      values: [],
      lines: [{ parts: ['Back in the SCIM Directory Sync app, click ', { ui: 'Done' }, '.'] }],
    },
    {
      id: 'okta-first-sync',
      number: 7,
      title: 'Watch the first sync',
      check: 'firstRequest',
      values: [],
      lines: [
        {
          parts: [
            "Okta normally begins syncing users to SCIM Directory Sync immediately, but if it doesn't, you can click the ",
            { ui: 'Force Sync' },
            ' button under ',
            { ui: 'Attribute Mappings' },
            '.',
          ],
        },
      ],
    },
  ],
};

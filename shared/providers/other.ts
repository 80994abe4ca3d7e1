/**
 * Any other SCIM 2.0 directory. The seed documents only Okta and Azure AD, so this guide is
 * generic; the console labels it quotes are the ones every SCIM client has in some form.
 */
import { AUTHENTICATION_SECRET, ENDPOINT_BASE_URL, literal, type ProviderGuide } from './types.js';

export const otherGuide: ProviderGuide = {
  provider: 'other',
  label: 'Other SCIM directory',
  directoryName: 'your directory',
  summary: 'Any directory that speaks SCIM 2.0 can push users here: give it the base URL and a bearer token.',
  prerequisites: [{ parts: ['Setup a new SCIM provider in SCIM Directory Sync.'] }],
  steps: [
    {
      id: 'other-enable-scim',
      number: 1,
      title: 'Turn on SCIM provisioning',
      values: [literal('SCIM version', '2.0')],
      lines: [
        {
          parts: [
            'In your directory, open the application you use for SCIM Directory Sync and turn on SCIM provisioning. When it asks for a ',
            { ui: 'SCIM version' },
            ', choose ',
            { value: literal('SCIM version', '2.0') },
            '.',
          ],
        },
      ],
    },
    {
      id: 'other-credentials',
      number: 2,
      title: 'Enter the base URL and the token',
      check: 'probe',
      values: [ENDPOINT_BASE_URL, AUTHENTICATION_SECRET, literal('Unique identifier field for users', 'userName')],
      lines: [
        {
          parts: ['Fill in the connection form:'],
          bullets: [
            { parts: ['For the SCIM base URL (sometimes called ', { ui: 'Tenant URL' }, '), enter the ', { value: ENDPOINT_BASE_URL }, '.'] },
            {
              parts: [
                'For authentication, choose a bearer token in the Authorization header and enter the ',
                { value: AUTHENTICATION_SECRET },
                '.',
              ],
            },
            { parts: ['If it asks which attribute identifies users, enter ', { value: literal('Unique identifier field for users', 'userName') }, '.'] },
            { parts: ['Enable creating and deactivating users, save, then run the directory’s own connection test if it has one.'] },
          ],
        },
      ],
    },
    {
      id: 'other-done',
      number: 3,
      title: 'Click Done',
      check: 'done',
      values: [],
      lines: [{ parts: ['Back in the SCIM Directory Sync app, click ', { ui: 'Done' }, '.'] }],
    },
    {
      id: 'other-first-sync',
      number: 4,
      title: 'Start provisioning',
      check: 'firstRequest',
      values: [],
      lines: [{ parts: ['Start provisioning in your directory (assign the people or groups to sync). Users appear here as the directory pushes them.'] }],
    },
  ],
};

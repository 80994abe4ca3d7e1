/**
 * The attribute schemas this service provider implements, as data (RFC 7643 §4, §8.7.1).
 * They drive everything that depends on an attribute's nature: `/Schemas`, input validation,
 * case-insensitive name resolution, filter compilation and PATCH. Changing a flag here changes
 * behaviour everywhere, which is the point.
 */
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from '../../../shared/scim/urns.js';

export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'binary'
  | 'reference'
  | 'complex';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

function attribute(name: string, type: AttributeType, description: string, options: Options = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

const str = (name: string, description: string, options: Options = {}) => attribute(name, 'string', description, options);

/** The `type`/`primary`/`display`/`value` quartet shared by most multi-valued attributes (RFC 7643 §2.4). */
function multiValued(
  name: string,
  description: string,
  value: AttributeDefinition,
  canonicalTypes: string[],
  options: Options = {},
): AttributeDefinition {
  return attribute(name, 'complex', description, {
    multiValued: true,
    ...options,
    subAttributes: [
      value,
      str('display', 'A human-readable name, primarily used for display purposes.'),
      str('type', `A label indicating the attribute's function.`, { canonicalValues: canonicalTypes }),
      attribute('primary', 'boolean', 'Indicates the primary or preferred attribute value.'),
    ],
  });
}

export const userSchema: SchemaDefinition = {
  id: SCIM_USER,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the User, typically used by the user to directly authenticate.', {
      required: true,
      uniqueness: 'server',
    }),
    attribute('name', 'complex', `The components of the user's real name.`, {
      subAttributes: [
        str('formatted', 'The full name, including all middle names, titles, and suffixes as appropriate.'),
        str('familyName', 'The family name of the User.'),
        str('givenName', 'The given name of the User.'),
        str('middleName', 'The middle name(s) of the User.'),
        str('honorificPrefix', 'The honorific prefix(es) of the User.'),
        str('honorificSuffix', 'The honorific suffix(es) of the User.'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user in real life.'),
    attribute('profileUrl', 'reference', `A fully qualified URL pointing to a page representing the User's online profile.`, {
      referenceTypes: ['external'],
    }),
    str('title', `The user's title, such as "Vice President".`),
    str('userType', 'Used to identify the relationship between the organization and the user.'),
    str('preferredLanguage', `Indicates the User's preferred written or spoken language.`),
    str('locale', `Used to indicate the User's default location for purposes of localizing items.`),
    str('timezone', `The User's time zone in the 'Olson' time zone database format.`),
    attribute('active', 'boolean', `A Boolean value indicating the User's administrative status.`),
    str('password', `The User's cleartext password. Accepted and never stored or returned.`, {
      mutability: 'writeOnly',
      returned: 'never',
      caseExact: true,
    }),
    multiValued('emails', 'Email addresses for the user.', str('value', 'Email address for the user.'), ['work', 'home', 'other']),
    multiValued(
      'phoneNumbers',
      'Phone numbers for the User.',
      str('value', 'Phone number of the User.'),
      ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    ),
    multiValued('ims', 'Instant messaging addresses for the User.', str('value', 'Instant messaging address for the User.'), [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    multiValued(
      'photos',
      'URLs of photos of the User.',
      attribute('value', 'reference', 'URL of a photo of the User.', { referenceTypes: ['external'] }),
      ['photo', 'thumbnail'],
    ),
    attribute('addresses', 'complex', 'A physical mailing address for this User.', {
      multiValued: true,
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display or use with a mailing label.'),
        str('streetAddress', 'The full street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component.'),
        str('type', 'A label indicating the attribute\'s function.', { canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'boolean', 'Indicates the primary or preferred address.'),
      ],
    }),
    attribute('groups', 'complex', 'A list of groups to which the user belongs, managed through the Group resource.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        str('value', 'The identifier of the User\'s group.', { mutability: 'readOnly' }),
        attribute('$ref', 'reference', 'The URI of the corresponding Group resource.', {
          mutability: 'readOnly',
          referenceTypes: ['Group'],
        }),
        str('display', 'A human-readable name, primarily used for display purposes.', { mutability: 'readOnly' }),
        str('type', 'A label indicating how the membership was derived.', {
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
        }),
      ],
    }),
    multiValued('entitlements', 'A list of entitlements for the User.', str('value', 'The value of an entitlement.'), []),
    multiValued('roles', 'A list of roles for the User.', str('value', 'The value of a role.'), []),
    multiValued('x509Certificates', 'A list of certificates issued to the User.', attribute('value', 'binary', 'The value of an X.509 certificate.', { caseExact: true }), []),
  ],
};

export const enterpriseUserSchema: SchemaDefinition = {
  id: SCIM_ENTERPRISE_USER,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    attribute('manager', 'complex', `The User's manager.`, {
      subAttributes: [
        str('value', 'The id of the SCIM resource representing the User\'s manager.'),
        attribute('$ref', 'reference', 'The URI of the SCIM resource representing the User\'s manager.', {
          referenceTypes: ['User'],
        }),
        str('displayName', 'The displayName of the User\'s manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const groupSchema: SchemaDefinition = {
  id: SCIM_GROUP,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the Group.', { required: true, uniqueness: 'server' }),
    attribute('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attribute('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User'],
        }),
        str('display', 'A human-readable name for the member.', { mutability: 'readOnly' }),
        str('type', 'A label indicating the type of resource.', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
    }),
  ],
};

/** Attributes every resource carries (RFC 7643 §3.1); they are not part of any schema's list. */
export const commonAttributes: AttributeDefinition[] = [
  str('id', 'A unique identifier for a SCIM resource as defined by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  str('externalId', 'A String that is an identifier for the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  attribute('meta', 'complex', 'A complex attribute containing resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      str('resourceType', 'The name of the resource type of the resource.', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', 'The DateTime that the resource was added to the service provider.', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', 'The most recent DateTime that the details of this resource were updated.', {
        mutability: 'readOnly',
      }),
      attribute('location', 'reference', 'The URI of the resource being returned.', { caseExact: true, mutability: 'readOnly' }),
      str('version', 'The version of the resource being returned.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

export interface ResourceTypeDefinition {
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  schema: SchemaDefinition;
  extensions: SchemaDefinition[];
}

export const userResourceType: ResourceTypeDefinition = {
  name: 'User',
  endpoint: '/Users',
  schema: userSchema,
  extensions: [enterpriseUserSchema],
};

export const groupResourceType: ResourceTypeDefinition = {
  name: 'Group',
  endpoint: '/Groups',
  schema: groupSchema,
  extensions: [],
};

export const allSchemas: SchemaDefinition[] = [userSchema, enterpriseUserSchema, groupSchema];

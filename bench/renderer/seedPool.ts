/**
 * Seeds a backend data folder with one org, its owner, one SCIM connection and N directory users,
 * fast: the org and connection go through the server's domain functions, the users straight into
 * `scim_users` through the server's store (batched multi-row inserts, one transaction per 5,000
 * rows), with the indexed columns computed by the very derivation the SCIM routes use
 * (`derivedColumns` in server/store/scimResources.ts), so the rows are what a directory would
 * have written through SCIM.
 *
 * Names are deterministic (a seeded PRNG), emails look like an Okta/Entra tenant's.
 *
 *   node --import tsx bench/renderer/seedPool.ts <dataDir> [users=100000]
 */
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '../../server/store/database.js';
import type { StoredResource } from '../../server/store/scimResources.js';
import { insertDirectoryUsers } from './insertDirectoryUsers.js';
import { createOrgWithOwner } from '../../server/domain/orgs.js';
import { createConnection } from '../../server/domain/connections.js';

export const ORG_NAME = 'Bench Org';
export const OWNER_EMAIL = 'owner@bench.example';
/** scim_users rows per INSERT statement (~16 bound values each, well under SQLite's 32,766). */

export interface SeededConnection {
  name: string;
  connectionId: string;
  users: number;
}

export interface SeededPool {
  dataDir: string;
  orgId: string;
  ownerMemberId: string;
  ownerEmail: string;
  connections: SeededConnection[];
  /** The owner's one-time enrollment code (valid 24 h). */
  enrollmentCode: string;
  seedMs: number;
}

/** mulberry32: a tiny, fast, seeded PRNG (the same seed gives the same pool). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// 150 given names × 150 family names: a 100,000-user pool has a few people with each full name
// (e.g. ~4 "Ada Lovelace"), and short prefixes ("a", "ad") match tens of thousands, as in life.
const GIVEN = `Ada Alan Grace Katherine Margaret Barbara Frances Edsger Donald Niklaus John Dennis Ken Linus Guido
Bjarne James Anders Brendan Yukihiro Larry Rasmus Tim Vint Radia Sophie Hedy Annie Mary Dorothy Jean Betty Kathleen
Ruth Evelyn Joan Carol Susan Adele Lynn Shafi Leslie Butler Ivan Fernando Leonard Whitfield Martin Ralph Manuel
Rosalind Marie Lise Emmy Sofia Chien Maryam Ingrid Karen Ellen Olga Amelia Noah Liam Olivia Emma Ava Isabella Mia
Lucas Mateo Elijah Levi Ethan Aiden Harper Amara Chloe Zoe Nora Hannah Leah Layla Aria Yara Priya Arjun Ravi Ananya
Wei Jing Hiroshi Yuki Sakura Kenji Min Seo Jun Hana Omar Fatima Ali Layla Hassan Amir Nadia Tariq Zainab Kwame Ama
Kofi Chidi Ngozi Tunde Femi Amina Thabo Lerato Pieter Anneke Lars Ingeborg Sven Astrid Mikko Aino Piotr Agnieszka
Tomas Jana Luca Giulia Marco Chiara Pablo Lucia Diego Carmen Joao Beatriz Pierre Camille Hugo Chloe Klaus Greta
Dmitri Anastasia`.split(/\s+/);
const FAMILY = `Lovelace Turing Hopper Johnson Hamilton Liskov Allen Dijkstra Knuth Wirth McCarthy Ritchie Thompson
Torvalds Rossum Stroustrup Gosling Hejlsberg Eich Matsumoto Wall Lerdorf Berners-Lee Cerf Perlman Wilson Lamarr
Easley Keller Clarke Bartik Holberton Antonelli Teitelbaum Lichterman Spence Conway Goldwasser Kempf Goldberg Rosen
Ng Chen Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Tanaka Suzuki Takahashi Watanabe Ito
Yamamoto Nakamura Kobayashi Kato Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Patel Shah Singh Kumar Sharma Gupta
Reddy Iyer Nair Rao Khan Ahmed Hussain Rahman Ali Hassan Ibrahim Mensah Okafor Adeyemi Nwosu Mokoena Dlamini Smith
Jones Williams Brown Taylor Davies Evans Thomas Roberts Walker Wright Robinson Thompson Muller Schmidt Schneider
Fischer Weber Meyer Wagner Becker Martin Bernard Dubois Durand Lefebvre Moreau Rossi Russo Ferrari Esposito Bianchi
Garcia Rodriguez Martinez Lopez Gonzalez Perez Sanchez Silva Santos Oliveira Souza Nowak Kowalski Novak Svoboda
Jansen DeVries Andersson Johansson Nielsen Hansen Virtanen Ivanov Petrov Smirnov OBrien Murphy Kelly`.split(/\s+/);
const DOMAINS = ['acme.example', 'acme-corp.example', 'eu.acme.example', 'contractors.acme.example'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'Support', 'People', 'Legal', 'Operations'];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** The SCIM User resource as the server stores it (canonical: no id, meta, schemas, password). */
export function directoryUser(index: number, rand: () => number): StoredResource {
  let given = pick(rand, GIVEN);
  let family = pick(rand, FAMILY);
  // Every pool, even the 1,000-user baseline, has an Ada Lovelace for the search benchmark to find.
  if (index % 20_000 === 500) [given, family] = ['Ada', 'Lovelace'];
  const domain = rand() < 0.85 ? DOMAINS[0]! : pick(rand, DOMAINS);
  // Unique userName: the same person's name twice gets a numeric suffix, as tenants do.
  const email = `${given}.${family}${index % 7 === 0 ? '' : index}@${domain}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');
  const resource: StoredResource = {
    userName: index % 7 === 0 ? `${given}.${family}.${index}@${domain}`.toLowerCase() : email,
    externalId: `00u${(index * 2654435761 >>> 0).toString(36)}${index.toString(36)}`,
    name: { givenName: given, familyName: family, formatted: `${given} ${family}` },
    displayName: `${given} ${family}`,
    emails: [{ value: email, type: 'work', primary: true }],
    title: `${pick(rand, ['Senior ', '', 'Staff ', 'Principal '])}${pick(rand, ['Engineer', 'Manager', 'Analyst', 'Designer', 'Specialist'])}`,
    active: rand() >= 0.03,
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: pick(rand, DEPARTMENTS), employeeNumber: String(100000 + index) },
  };
  return resource;
}

async function insertUsers(db: Store, connectionId: string, users: number, seed: number): Promise<void> {
  const rand = prng(seed);
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  await insertDirectoryUsers(db, connectionId, users, (i) => ({
    resource: directoryUser(i, rand),
    at: new Date(base + i * 1000).toISOString(),
  }));
}

/**
 * Creates the org, its owner, and one connection per entry of `pools` with that many directory
 * users, in `dataDir` (which should be empty). Each connection gets its own seeded name sequence.
 */
export async function seedPool(dataDir: string, pools: { name: string; users: number }[], seed = 42): Promise<SeededPool> {
  const started = performance.now();
  const db = await openStore(dataDir);
  try {
    const owner = await createOrgWithOwner(db, { name: ORG_NAME, ownerEmail: OWNER_EMAIL, ownerName: 'Bench Owner' });
    const connections: SeededConnection[] = [];
    for (const [i, pool] of pools.entries()) {
      const created = await createConnection(db, { orgName: ORG_NAME, name: pool.name, provider: 'okta', publicUrl: 'http://127.0.0.1' });
      await insertUsers(db, created.connectionId, pool.users, seed + i);
      connections.push({ name: pool.name, connectionId: created.connectionId, users: pool.users });
    }
    return {
      dataDir,
      orgId: owner.org.id,
      ownerMemberId: owner.ownerMemberId,
      ownerEmail: OWNER_EMAIL,
      connections,
      enrollmentCode: owner.enrollmentCode,
      seedMs: performance.now() - started,
    };
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dataDir, count] = process.argv.slice(2);
  if (!dataDir) {
    console.error('usage: node --import tsx bench/renderer/seedPool.ts <dataDir> [users=100000]');
    process.exit(2);
  }
  const seeded = await seedPool(dataDir, [{ name: 'Okta', users: Number(count ?? 100_000) }]);
  console.log(JSON.stringify({ ...seeded, seedMs: Math.round(seeded.seedMs) }));
}

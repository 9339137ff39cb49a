import type { Region } from '@pulse/domain';
import type { NewTeamMember } from '../database/database.types.js';
import type { Random } from './prng.js';

const FIRST_NAMES = [
  'Amara',
  'Ben',
  'Chiara',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Aditi',
  'Bruno',
  'Carmen',
  'Diego',
  'Esther',
  'Felix',
  'Gita',
  'Hugo',
  'Ivy',
  'Jamal',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
];
const LAST_NAMES = [
  'Okafor',
  'Schmidt',
  'Rossi',
  'Ivanov',
  'Garcia',
  'Haddad',
  'Kim',
  'Tanaka',
  'Silva',
  'Berg',
  'Sato',
  'Murphy',
  'Patel',
  'Cohen',
  'Novak',
  'Rao',
  'Dubois',
  'Lopez',
  'Lind',
  'Walsh',
  'Khan',
  'Costa',
  'Chen',
  'Reyes',
  'Demir',
  'Fischer',
  'Mehta',
  'Moreau',
  'Vargas',
  'Alves',
  'Nyberg',
  'Weber',
  'Iyer',
  'Laurent',
  'Quinn',
  'Mensah',
  'Asante',
  'Hoffmann',
  'Romero',
  'Farah',
];

export const DEMO_REGIONS: readonly Region[] = ['amer', 'emea', 'apac', 'pubsec'];
const REGION_NAMES: Record<Region, string> = {
  amer: 'AMER',
  emea: 'EMEA',
  apac: 'APAC',
  pubsec: 'Public Sector',
};

/** Staff CSM book target from the handbook ($5M), in cents. */
const CSM_BOOK_TARGET_CENTS = 500_000_000;

export interface RegionTeam {
  readonly manager: string;
  readonly csms: readonly string[];
  readonly cses: readonly string[];
  readonly csas: readonly string[];
  readonly aes: readonly string[];
  readonly rms: readonly string[];
}

export interface DemoTeam {
  readonly members: NewTeamMember[];
  readonly regions: Readonly<Record<Region, RegionTeam>>;
  /** CSEs of the pooled (on-demand) programme, across regions. */
  readonly pooledCses: readonly string[];
}

/** Accounts per unit of a region's team (3 CSMs, 2 CSEs, a CSA): the default demo has one unit. */
const ACCOUNTS_PER_TEAM_UNIT = 300;

/**
 * A VP of Customer Success and a VP of Sales, a CS Operations admin, and per region a CS manager
 * leading 3 CSMs, 2 CSEs and a CSA per 300 accounts (at least one such unit: 39 people for the
 * demo's 300 accounts), plus an AE and an RM reporting to the VP of Sales. Larger organisations
 * get proportionally more people, so a benchmark at 50,000 accounts has books of a real size
 * (about 25 accounts per CSM) and leaderboards of a real length.
 */
export function generateTeam(random: Random, accounts: number): DemoTeam {
  const units = Math.max(1, Math.round(accounts / ACCOUNTS_PER_TEAM_UNIT));
  const names = random.sample(
    FIRST_NAMES.map((first, i) => `${first} ${LAST_NAMES[(i * 7) % LAST_NAMES.length]}`),
    FIRST_NAMES.length,
  );
  const members: NewTeamMember[] = [];
  const add = (member: Omit<NewTeamMember, 'id' | 'name' | 'email'>): string => {
    const id = `tm-${String(members.length + 1).padStart(3, '0')}`;
    const name = names[members.length % names.length]!;
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${members.length + 1}@pulse.example`;
    members.push({ id, name, email, ...member });
    return id;
  };
  const vpCs = add({ role: 'manager', region: 'amer', manager_id: null, title: 'VP Customer Success' });
  const vpSales = add({ role: 'manager', region: 'amer', manager_id: null, title: 'VP Sales' });
  add({ role: 'admin', region: 'amer', manager_id: vpCs, title: 'CS Operations' });

  const regions = {} as Record<Region, RegionTeam>;
  for (const region of DEMO_REGIONS) {
    const label = REGION_NAMES[region];
    const manager = add({ role: 'manager', region, manager_id: vpCs, title: `CS Manager, ${label}` });
    const under = (role: 'csm' | 'cse' | 'csa', title: string, count: number) =>
      Array.from({ length: count }, (_, i) =>
        add({
          role,
          region,
          manager_id: manager,
          title: i === 0 && role === 'csm' ? `Staff ${title}` : title,
          book_arr_target_cents: role === 'csm' ? CSM_BOOK_TARGET_CENTS : null,
        }),
      );
    regions[region] = {
      manager,
      csms: under('csm', 'Customer Success Manager', 3 * units),
      cses: under('cse', 'Customer Success Engineer', 2 * units),
      csas: under('csa', 'Customer Success Architect', units),
      aes: [add({ role: 'ae', region, manager_id: vpSales, title: `Account Executive, ${label}` })],
      rms: [add({ role: 'rm', region, manager_id: vpSales, title: `Renewal Manager, ${label}` })],
    };
  }
  const pooledCses = DEMO_REGIONS.map((region) => regions[region].cses[1]!);
  return { members, regions, pooledCses };
}

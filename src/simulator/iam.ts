// The simulated IAM: the accounts (domains) the simulator knows, the agencies one account grants
// another, the keys each access key stands for, and the temporary keys issued through an agency.
// The demo account reaches a second account, "dr-partner", only through the agency below: that
// account has its own projects and protection groups, which the demo keys never see directly.
import { randomBytes } from 'node:crypto';
import { addGroup, DEMO_DOMAIN_ID, hexId, type SeedData } from './seed';

export interface SimAccount {
	id: string;
	name: string;
}

/** An agency: `owner` lets the account `trusted` act in it, with temporary keys. */
export interface SimAgency {
	owner: string;
	name: string;
	trusted: string;
}

/** Temporary keys issued through an agency; they act in the agency's owner account. */
export interface IssuedKeys {
	secretKey: string;
	securityToken: string;
	expiresAt: number;
	domainId: string;
	agency: string;
}

/** Who signed a request: the account its access key acts in. */
export interface Caller {
	accessKey: string;
	domainId: string;
	temporary: boolean;
}

export const DEMO_ACCOUNT: SimAccount = { id: DEMO_DOMAIN_ID, name: 'sdrs-demo' };
export const PARTNER_ACCOUNT: SimAccount = { id: hexId('domain:dr-partner'), name: 'dr-partner' };
const OTHER_ACCOUNT: SimAccount = { id: hexId('domain:someone-else'), name: 'someone-else' };

/** The agency the demo keys may assume (printed by `npm run simulator`). */
export const DEMO_AGENCY = { domainName: PARTNER_ACCOUNT.name, domainId: PARTNER_ACCOUNT.id, agencyName: 'sdrs-dr-operator' };

/** IAM's documented range for duration_seconds (CreateTemporaryAccessKeyByAgency: 15 min to 24 h). */
export const MIN_DURATION_S = 900;
export const MAX_DURATION_S = 86_400;
export const DEFAULT_DURATION_S = 900;
const MAX_ISSUED = 10_000;

export class IamState {
	readonly accounts: SimAccount[] = [DEMO_ACCOUNT, PARTNER_ACCOUNT, OTHER_ACCOUNT];
	readonly agencies: SimAgency[] = [
		{ owner: PARTNER_ACCOUNT.id, name: DEMO_AGENCY.agencyName, trusted: DEMO_ACCOUNT.id },
		// An agency of the partner's for another account: the demo keys may not assume it.
		{ owner: PARTNER_ACCOUNT.id, name: 'billing-viewer', trusted: OTHER_ACCOUNT.id },
	];
	readonly issued = new Map<string, IssuedKeys>();
	/** Access keys deleted in IAM: refused like keys that never existed. */
	readonly revoked = new Set<string>();
	/** Access keys whose user lacks iam:tokens:assume (the demo keys have it by default). */
	readonly denyAssume = new Set<string>();
	/** Tests: issued keys live this long (ms) whatever duration was asked; expires_at says so. */
	lifetimeMs?: number;

	account(by: { id?: string; name?: string }): SimAccount | undefined {
		return this.accounts.find((a) => (by.id !== undefined ? a.id === by.id : a.name === by.name));
	}

	/** Issues temporary keys in `owner` through `agency`, keeping at most MAX_ISSUED (expired ones go first). */
	issue(owner: string, agency: string, durationS: number, now: number): { accessKey: string } & IssuedKeys {
		if (this.issued.size >= MAX_ISSUED) {
			for (const [ak, k] of this.issued) {
				if (k.expiresAt < now) {
					this.issued.delete(ak);
				}
			}
			// Still full: the oldest go (a Map iterates in insertion order).
			for (const ak of [...this.issued.keys()].slice(0, this.issued.size - MAX_ISSUED + 1)) {
				this.issued.delete(ak);
			}
		}
		const accessKey = 'SIMTMP' + randomBytes(7).toString('hex').toUpperCase();
		const keys: IssuedKeys = {
			secretKey: randomBytes(20).toString('hex'),
			securityToken: 'gQ' + randomBytes(96).toString('base64url'),
			expiresAt: now + (this.lifetimeMs ?? durationS * 1000),
			domainId: owner,
			agency,
		};
		this.issued.set(accessKey, keys);
		return { accessKey, ...keys };
	}

	/** Makes every issued key expired now (tests: the keys a client holds stop working). */
	expireIssued(now: number): void {
		for (const k of this.issued.values()) {
			k.expiresAt = Math.min(k.expiresAt, now - 1);
		}
	}
}

const PARTNER_REGIONS = ['cn-north-4', 'cn-east-3'];

export function partnerProjectId(region: string): string {
	return hexId(`partner:project:${region}`);
}

/** The partner account's projects and groups (reached only through the agency). */
export function seedPartner(data: SeedData): void {
	for (const region of PARTNER_REGIONS) {
		data.projects.push({ id: partnerProjectId(region), name: region, domain_id: PARTNER_ACCOUNT.id, parent_id: PARTNER_ACCOUNT.id, enabled: true });
	}
	const base = Date.UTC(2026, 10, 2, 9, 0, 0);
	const specs = [
		{ name: 'partner-erp', status: 'protected', region: 'cn-north-4', progress: 100 },
		{ name: 'partner-web', status: 'available', region: 'cn-north-4' },
		{ name: 'partner-db', status: 'failed-over', region: 'cn-north-4', priority: 'target' as const },
		{ name: 'partner-files', status: 'error-reprotecting', region: 'cn-north-4', priority: 'target' as const, drRunning: 1 },
		{ name: 'partner-mq', status: 'available', region: 'cn-east-3' },
		{ name: 'partner-ledger', status: 'protected', region: 'cn-east-3', progress: 100 },
	];
	specs.forEach((spec, i) => addGroup(data, { ...spec, projectId: partnerProjectId(spec.region), createdAt: new Date(base + i * 3_600_000).toISOString() }));
}

// Temporary keys through an IAM agency, the way DR teams hold credentials: one account's base
// keys assume an agency another account granted (CreateTemporaryAccessKeyByAgency, sdrs-api.md
// §5.3), and every SDRS call is signed with the temporary keys and their security token. The
// keys live in memory only, are renewed before they run out and after a refusal that says they
// did, and one renewal serves every request waiting for it.
import { SdrsError } from './errors';
import type { CredentialsProvider, HttpPipeline } from './http';
import type { Logger } from './logger';
import { silentLogger } from './logger';
import type { Credentials } from './signer';

export interface AgencyTarget {
	/** The delegating account, by name or by ID (one of the two). */
	domainName?: string;
	domainId?: string;
	agencyName: string;
	/** How long each set of keys lives, 900–86400 s (IAM's range); default 3600. */
	durationSeconds?: number;
}

export interface AgencyOptions {
	/** A pipeline whose credentials are the base keys (the user's own AK/SK): the assume call is signed with them. */
	base: HttpPipeline;
	/** IAM's base URL (endpointFor('iam', region, overrides)). */
	iamUrl: string;
	target: AgencyTarget;
	/** Milliseconds since the epoch; injectable for tests. */
	now?: () => number;
	logger?: Logger;
}

/** Codes of the errors this provider throws (explained in errors.ts, en and zh-cn). */
export const AGENCY_ERRORS = {
	baseKeysRefused: 'AGENCY.BASE_KEYS_REFUSED',
	notFound: 'AGENCY.NOT_FOUND',
	forbidden: 'AGENCY.FORBIDDEN',
	invalid: 'AGENCY.INVALID',
	unavailable: 'AGENCY.UNAVAILABLE',
} as const;

export const MIN_DURATION_S = 900;
export const MAX_DURATION_S = 86_400;
const DEFAULT_DURATION_S = 3600;
/** Renewed at 80% of the lifetime, and at least five minutes before the end. */
const RENEW_FRACTION = 0.8;
const RENEW_MARGIN_MS = 5 * 60_000;
/** Keys this close to their end are not used any more: a request may take this long to arrive. */
const LAST_USE_MS = 30_000;
/** After a failed early renewal, the keys in hand are used this long before trying again. */
const RETRY_AFTER_MS = 30_000;

interface Held {
	creds: Credentials;
	/** Local clock. */
	obtainedAt: number;
	renewAt: number;
	expiresAt: number;
}

/**
 * Temporary keys of an agency, as an HttpPipeline credentials provider:
 * `new HttpPipeline({ credentials: agency })`. Throws `config` SdrsErrors (nothing was sent
 * with them) whose code is one of AGENCY_ERRORS.
 */
export class AgencyCredentials implements CredentialsProvider {
	private held?: Held;
	private pending?: Promise<Credentials>;
	/** Bumped by clear(): an assume call answered after it is thrown away. */
	private generation = 0;
	private retryAt = 0;
	private readonly now: () => number;
	private readonly logger: Logger;
	private readonly durationS: number;
	/** Assume calls made (tests and the log). */
	assumeCalls = 0;

	constructor(private readonly o: AgencyOptions) {
		this.now = o.now ?? Date.now;
		this.logger = o.logger ?? silentLogger;
		this.durationS = o.target.durationSeconds ?? DEFAULT_DURATION_S;
		if (!Number.isInteger(this.durationS) || this.durationS < MIN_DURATION_S || this.durationS > MAX_DURATION_S) {
			throw new SdrsError(`The agency keys' duration must be a whole number of seconds from ${MIN_DURATION_S} to ${MAX_DURATION_S}.`, 'config', undefined, AGENCY_ERRORS.invalid);
		}
		if (!o.target.agencyName || !(o.target.domainName || o.target.domainId)) {
			throw new SdrsError('An agency needs its name and the delegating account’s name or ID.', 'config', undefined, AGENCY_ERRORS.invalid);
		}
	}

	/** When the keys in hand stop being used (local clock), or undefined when none are held. */
	get expiresAt(): number | undefined {
		return this.held?.expiresAt;
	}

	/** The keys to sign the next request with: those in hand, or new ones. */
	async get(): Promise<Credentials> {
		const now = this.now();
		const held = this.held;
		if (held && now < held.renewAt) {
			return held.creds;
		}
		if (held && now < held.expiresAt - LAST_USE_MS) {
			// Time to renew, but these still work: requests go on with them meanwhile.
			if (now >= this.retryAt) {
				this.renew().catch((e: unknown) => {
					this.retryAt = this.now() + RETRY_AFTER_MS;
					this.logger.warn(`Renewing the temporary keys of agency ${this.label()} failed; the current ones are used until they run out: ${String(e)}`);
				});
			}
			return held.creds;
		}
		return this.renew();
	}

	async renewAfterExpiry(refused: Credentials): Promise<boolean> {
		if (this.held && this.held.creds.accessKey !== refused.accessKey) {
			return true; // renewed meanwhile, for another request
		}
		if (this.held) {
			this.held = undefined;
		}
		this.logger.info(`The temporary keys of agency ${this.label()} ran out; renewing them.`);
		await this.renew();
		return true;
	}

	/** Forgets the keys (the profile changed or was removed). */
	clear(): void {
		this.generation++;
		this.held = undefined;
		this.pending = undefined;
		this.retryAt = 0;
	}

	/** One assume call at a time; everyone waiting gets its keys. */
	private renew(): Promise<Credentials> {
		if (!this.pending) {
			const generation = this.generation;
			const call = this.assume().then((held) => {
				if (generation !== this.generation) {
					throw new SdrsError('The agency profile changed while its keys were being obtained.', 'aborted');
				}
				this.held = held;
				this.retryAt = 0;
				return held.creds;
			});
			this.pending = call;
			const done = (): void => {
				if (this.pending === call) {
					this.pending = undefined;
				}
			};
			call.then(done, done);
		}
		return this.pending;
	}

	private async assume(): Promise<Held> {
		const t = this.o.target;
		const assumeRole: Record<string, unknown> = t.domainId ? { domain_id: t.domainId } : { domain_name: t.domainName };
		assumeRole.agency_name = t.agencyName;
		assumeRole.duration_seconds = this.durationS;
		const url = `${this.o.iamUrl.replace(/\/+$/, '')}/v3.0/OS-CREDENTIAL/securitytokens`;
		const sentAt = this.now();
		this.assumeCalls++;
		let answer: { data: { creds: Credentials; expiresAt: number } };
		try {
			// Asking again after a lost answer only issues other keys, so the call counts as idempotent.
			answer = await this.o.base.send(
				{
					method: 'POST',
					url,
					headers: { 'Content-Type': 'application/json;charset=utf8' },
					body: JSON.stringify({ auth: { identity: { methods: ['assume_role'], assume_role: assumeRole } } }),
					idempotent: true,
				},
				parseCredential,
			);
		} catch (e) {
			throw this.explain(e);
		}
		// expires_at is IAM's clock: read against the offset learnt from IAM's Date, if any.
		const offset = this.o.base.clockOffset(new URL(url).host);
		const lifetime = Math.min(answer.data.expiresAt - (sentAt + offset), this.durationS * 1000);
		if (lifetime < 1000) {
			throw new SdrsError(`IAM answered keys for agency ${this.label()} that have already run out by this computer's clock; check the clock.`, 'config', undefined, AGENCY_ERRORS.unavailable);
		}
		const renewIn = Math.max(lifetime / 2, Math.min(lifetime * RENEW_FRACTION, lifetime - RENEW_MARGIN_MS));
		this.logger.info(`Obtained temporary keys through agency ${this.label()}, valid for ${Math.round(lifetime / 1000)} s.`);
		return { creds: answer.data.creds, obtainedAt: sentAt, renewAt: sentAt + renewIn, expiresAt: sentAt + lifetime };
	}

	/** An IAM refusal in words that say what to change (the server's own words follow). */
	private explain(e: unknown): SdrsError {
		if (!(e instanceof SdrsError)) {
			return new SdrsError(`Could not obtain keys through agency ${this.label()}: ${String(e)}`, 'config', undefined, AGENCY_ERRORS.unavailable);
		}
		const iam = e.kind === 'http' ? ` IAM said: ${e.message}${e.code ? ` (${e.code})` : ''}.` : ` ${e.toString()}`;
		const at = (code: string, text: string): SdrsError => new SdrsError(text + iam, 'config', e.status, code, e.requestId, e);
		if (e.kind !== 'http') {
			return at(AGENCY_ERRORS.unavailable, `Could not reach IAM to obtain keys through agency ${this.label()}.`);
		}
		switch (e.status) {
			case 401:
				return at(AGENCY_ERRORS.baseKeysRefused, `IAM refused the base keys used to assume agency ${this.label()}: they are wrong, or were deleted or disabled.`);
			case 403:
				return at(
					AGENCY_ERRORS.forbidden,
					`The base keys may not assume agency ${this.label()}: the user lacks the permission to assume agencies (iam:tokens:assume), or the agency does not trust this account.`,
				);
			case 404:
				return at(AGENCY_ERRORS.notFound, `The delegating account has no agency ${this.label()}: check the account name or ID and the agency name.`);
			case 400:
				return at(AGENCY_ERRORS.invalid, `IAM refused the request for agency ${this.label()}.`);
			default:
				return at(AGENCY_ERRORS.unavailable, `IAM failed to issue keys for agency ${this.label()}.`);
		}
	}

	private label(): string {
		const t = this.o.target;
		return `“${t.agencyName}” of ${t.domainName ? `account “${t.domainName}”` : `account ID ${t.domainId}`}`;
	}
}

const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * `{"credential":{"access","secret","securitytoken","expires_at"}}`. The keys end up in request
 * headers, so they must be printable ASCII of sane length; expires_at may carry microseconds.
 */
export function parseCredential(body: string): { creds: Credentials; expiresAt: number } {
	let parsed: { credential?: Record<string, unknown> } | null;
	try {
		parsed = JSON.parse(body) as typeof parsed;
	} catch {
		// Not V8's message: it quotes the text around the error, which here is the secret key.
		throw new Error('the answer is not valid JSON');
	}
	const c = parsed?.credential;
	const field = (name: string, max: number): string => {
		const v = c?.[name];
		if (typeof v !== 'string' || v.length === 0 || v.length > max || !PRINTABLE.test(v)) {
			throw new Error(`credential.${name} is missing or not a key`);
		}
		return v;
	};
	const accessKey = field('access', 128);
	if (!/^[A-Za-z0-9]+$/.test(accessKey)) {
		throw new Error('credential.access is not an access key');
	}
	const expires = Date.parse(field('expires_at', 64).replace(/(\.\d{3})\d+(?=Z|[+-]\d\d:?\d\d$)/, '$1'));
	if (!Number.isFinite(expires)) {
		throw new Error('credential.expires_at is not a date');
	}
	return { creds: { accessKey, secretKey: field('secret', 512), securityToken: field('securitytoken', 16_384) }, expiresAt: expires };
}

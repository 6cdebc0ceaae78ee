// Add Agency Profile: temporary keys through an IAM agency another account granted (the way a
// central DR team reaches each business account). Base keys (an existing profile's, or new ones
// kept in SecretStorage), the delegating account, the agency and a duration, through input boxes;
// the agency is assumed once and the projects listed before anything is saved. The temporary keys
// are never stored: ClientCache obtains and renews them in memory.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { MAX_DURATION_S, MIN_DURATION_S, type AgencyTarget } from '../../core/agency';
import type { EndpointOverrides } from '../../core/endpoints';
import type { Credentials } from '../../core/signer';
import { pickText } from '../say';
import { createAgencyClient } from '../services/clients';
import { isSimulated, type AgencyRef, type Profile } from '../services/profiles';
import { readSettings } from '../services/settings';
import { askCredentials, askProfileName, checkWithIam, saveChecked } from './credentials';
import type { CommandContext } from './context';
import { profileDescription } from './pickers';

const DOMAIN_ID = /^[0-9a-f]{32}$/i;
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const NAME = /^[^\s\u0000-\u001f\u007f]{1,64}$/u;

/** The delegating account as typed: a 32-hex-digit value is an account ID, anything else a name. */
export function delegatingAccount(typed: string): Pick<AgencyTarget, 'domainId' | 'domainName'> {
	const v = typed.trim();
	return DOMAIN_ID.test(v) ? { domainId: v.toLowerCase() } : { domainName: v };
}

export function durationProblem(v: string): string | undefined {
	const n = Number(v.trim());
	return Number.isInteger(n) && n >= MIN_DURATION_S && n <= MAX_DURATION_S ? undefined : vscode.l10n.t('A whole number of seconds from {0} to {1}.', MIN_DURATION_S, MAX_DURATION_S);
}

interface Base {
	profile?: Profile;
	keys: () => Promise<Credentials>;
	/** New keys, stored under the agency profile's own entry in SecretStorage. */
	own?: Credentials;
}

async function askBase(c: CommandContext): Promise<Base | undefined> {
	const bases = c.profiles.list().filter((p) => p.kind !== 'agency');
	let profile: Profile | undefined;
	if (bases.length) {
		const active = c.profiles.active()?.id;
		const pick = await c.ports.prompts.pick(
			[
				...bases.map((p) => ({ label: pickText(p.name), description: pickText(profileDescription(p, p.id === active)), profile: p })),
				{ label: vscode.l10n.t('$(key) Enter an access key…'), description: vscode.l10n.t('kept only in VS Code’s secret storage'), profile: undefined as Profile | undefined },
			],
			{
				title: vscode.l10n.t('Add Agency Profile (1/4): whose keys assume the agency?'),
				placeHolder: vscode.l10n.t('The base keys: an AK/SK of your own account whose user may assume the agency'),
				ignoreFocusOut: true,
			},
		);
		if (!pick) {
			return undefined;
		}
		profile = pick.profile;
	}
	if (profile) {
		const id = profile.id;
		return { profile, keys: async () => (await c.profiles.credentials(id)) ?? Promise.reject(new Error(vscode.l10n.t('No credentials are stored for profile “{0}”.', profile?.name ?? id))) };
	}
	const own = await askCredentials(c);
	return own && { own, keys: () => Promise.resolve(own) };
}

/** The delegating account, the agency and the duration, each in an input box. */
export async function askAgency(c: CommandContext, defaults: { domain?: string; agencyName?: string } = {}): Promise<Omit<AgencyRef, 'baseProfileId'> | undefined> {
	const ask = c.ports.prompts;
	const domain = await ask.input({
		title: vscode.l10n.t('Add Agency Profile (2/4): delegating account'),
		prompt: vscode.l10n.t('The name or ID of the account that created the agency (the account to act in).'),
		value: defaults.domain,
		ignoreFocusOut: true,
		validateInput: (v) => (NAME.test(v.trim()) ? undefined : vscode.l10n.t('An account name or ID: 1 to 64 characters, no spaces.')),
	});
	if (!domain) {
		return undefined;
	}
	const agencyName = await ask.input({
		title: vscode.l10n.t('Add Agency Profile (3/4): agency name'),
		prompt: vscode.l10n.t('The agency that account created for yours; its policy must allow SDRS and ECS reads.'),
		value: defaults.agencyName,
		ignoreFocusOut: true,
		validateInput: (v) => (NAME.test(v.trim()) ? undefined : vscode.l10n.t('An agency name: 1 to 64 characters, no spaces.')),
	});
	if (!agencyName) {
		return undefined;
	}
	const duration = await ask.input({
		title: vscode.l10n.t('Add Agency Profile (4/4): duration of the temporary keys'),
		prompt: vscode.l10n.t('Seconds, from {0} to {1}. The keys are kept in memory only and renewed before they run out.', MIN_DURATION_S, MAX_DURATION_S),
		value: '3600',
		ignoreFocusOut: true,
		validateInput: durationProblem,
	});
	if (duration === undefined || durationProblem(duration)) {
		return undefined;
	}
	return { ...delegatingAccount(domain), agencyName: agencyName.trim(), durationSeconds: Number(duration.trim()) };
}

/**
 * Checks an agency with IAM (assume once, list the projects) and, when it works, names and saves
 * the profile. `own` keys are stored for the profile itself; a base profile's are not copied.
 */
export async function checkAndSaveAgency(
	c: CommandContext,
	agency: AgencyRef,
	keys: () => Promise<Credentials> | Credentials,
	own: Credentials | undefined,
	opts: { endpoints: EndpointOverrides; simulated: boolean; suggestion?: string; quiet?: boolean; retry?: () => Promise<Profile | undefined> },
): Promise<Profile | undefined> {
	const id = randomUUID();
	const target: AgencyTarget = { domainId: agency.domainId, domainName: agency.domainName, agencyName: agency.agencyName, durationSeconds: agency.durationSeconds };
	const approve = opts.simulated ? undefined : (host: string): Promise<void> => c.approvals.approve(id, vscode.l10n.t('the new profile'), host);
	// A base profile's keys go to IAM's host under that profile's own allowance (its name asked).
	const base = agency.baseProfileId ? c.profiles.get(agency.baseProfileId) : undefined;
	const approveBase = opts.simulated || !base ? approve : (host: string): Promise<void> => c.approvals.approve(base.id, base.name, host);
	const projects = await checkWithIam(
		c,
		() => createAgencyClient(keys, target, opts.endpoints, c.log, approve, approveBase).client,
		(cause) => vscode.l10n.t('The agency profile was not saved: {0}', cause),
	);
	if (projects === 'retry') {
		return opts.retry?.();
	}
	if (!projects) {
		return undefined;
	}
	const account = agency.domainName ?? agency.domainId ?? '';
	const name =
		opts.suggestion ??
		(await askProfileName(c, `${agency.agencyName}@${account}`, vscode.l10n.t('Checked: through the agency, the keys can see {0} project(s) of account {1}.', projects.length, account)));
	if (!name) {
		return undefined;
	}
	const accountId = projects.find((p) => p.domainId)?.domainId;
	return saveChecked(
		c,
		id,
		{ name, kind: 'agency', temporary: false, agency, account: { id: accountId ?? agency.domainId, name: agency.domainName }, simulated: opts.simulated || undefined },
		own,
		opts.quiet,
	);
}

export async function addAgencyProfile(c: CommandContext): Promise<Profile | undefined> {
	const base = await askBase(c);
	if (!base) {
		return undefined;
	}
	// The demo's own account reaches its partner through the simulator's agency: offered as the default.
	const simulated = !!base.profile && isSimulated(base.profile);
	const demoAgency = simulated ? c.demo.agency() : undefined;
	const ref = await askAgency(c, { domain: demoAgency?.domainName, agencyName: demoAgency?.agencyName });
	if (!ref) {
		return undefined;
	}
	const baseProfile = simulated && base.profile ? await c.demo.ensure() : base.profile;
	const endpoints = baseProfile && isSimulated(baseProfile) ? (baseProfile.endpoints ?? {}) : readSettings().endpoints;
	c.log.info(`Checking agency ${ref.agencyName} of account ${ref.domainName ?? ref.domainId} with ${baseProfile ? 'the keys of another profile' : 'new base keys'}.`);
	return checkAndSaveAgency(c, { ...ref, baseProfileId: baseProfile?.id }, base.keys, base.own, { endpoints, simulated, retry: () => addAgencyProfile(c) });
}

// Credentials: add (checked with a real IAM call before anything is saved), remove and choose the
// default profile. Keys go to SecretStorage only (ProfileStore).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { say } from '../say';
import type { SdrsClient } from '../../core/client';
import { checkImportedKeys, requestRoutingVariables, type KeyProblem } from '../../core/environment';
import type { Project } from '../../core/model';
import type { Credentials } from '../../core/signer';
import { createClient } from '../services/clients';
import type { Profile } from '../services/profiles';
import { readSettings } from '../services/settings';
import { describeError } from '../text';
import type { Node } from '../views/groupsTree';
import type { CommandContext } from './context';
import { pickProfile } from './pickers';

const AK_PATTERN = /^[A-Za-z0-9]{8,128}$/;

export interface NewCredentials {
	accessKey: string;
	secretKey: string;
	securityToken?: string;
	expiresAt?: number;
}

/**
 * Asks for keys through the prompts seam (input boxes; a picker when the SDK's environment
 * variables are set). `hint` prefills the access key (read from a KooCLI file).
 */
export async function askCredentials(c: CommandContext, hint?: { accessKey?: string; prompt?: string }): Promise<NewCredentials | undefined> {
	const env = process.env;
	const ask = c.ports.prompts;
	if (env.HUAWEICLOUD_SDK_AK && env.HUAWEICLOUD_SDK_SK && !hint) {
		const pick = await ask.pick(
			[
				{ label: vscode.l10n.t('$(key) Enter an access key'), id: 'enter' },
				{ label: vscode.l10n.t('$(terminal) Import from environment variables'), description: 'HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN', id: 'env' },
			],
			{ title: vscode.l10n.t('Add Huawei Cloud Credentials'), ignoreFocusOut: true },
		);
		if (!pick) {
			return undefined;
		}
		if (pick.id === 'env') {
			// Taken as they are: a value with a line break, a space or a stray character is refused
			// (named, never shown), not trimmed into something that may not be the key.
			const imported = { accessKey: env.HUAWEICLOUD_SDK_AK, secretKey: env.HUAWEICLOUD_SDK_SK, securityToken: env.HUAWEICLOUD_SDK_SECURITY_TOKEN || undefined };
			const problem = checkImportedKeys(imported);
			if (problem) {
				void say.error(keyProblemText(problem));
				return undefined;
			}
			return imported;
		}
	}
	const accessKey = await ask.input({
		title: vscode.l10n.t('Add Credentials (1/3): Access Key ID'),
		prompt: hint?.prompt ?? vscode.l10n.t('The access key ID (AK) of an IAM user with SDRS permissions.'),
		value: hint?.accessKey,
		ignoreFocusOut: true,
		validateInput: (v) => (AK_PATTERN.test(v.trim()) ? undefined : vscode.l10n.t('An access key ID is 8 to 128 letters and digits.')),
	});
	if (!accessKey) {
		return undefined;
	}
	const secretKey = await ask.input({
		title: vscode.l10n.t('Add Credentials (2/3): Secret Access Key'),
		prompt: vscode.l10n.t('The secret access key (SK). It is kept only in VS Code’s secret storage.'),
		password: true,
		ignoreFocusOut: true,
		validateInput: (v) => (v.trim().length >= 8 ? undefined : vscode.l10n.t('The secret access key is too short.')),
	});
	if (!secretKey) {
		return undefined;
	}
	const securityToken = await ask.input({
		title: vscode.l10n.t('Add Credentials (3/3): Security Token (optional)'),
		prompt: vscode.l10n.t('For temporary credentials only; leave empty for a permanent access key.'),
		password: true,
		ignoreFocusOut: true,
	});
	if (securityToken === undefined) {
		return undefined;
	}
	let expiresAt: number | undefined;
	if (securityToken.trim()) {
		const expiry = await ask.input({
			title: vscode.l10n.t('Temporary credentials: expiry (optional)'),
			prompt: vscode.l10n.t('When the security token expires, e.g. 2026-11-28T10:00:00Z. Leave empty if unknown.'),
			ignoreFocusOut: true,
			validateInput: (v) => (v.trim() === '' || !Number.isNaN(Date.parse(v.trim())) ? undefined : vscode.l10n.t('Enter a date and time such as 2026-11-28T10:00:00Z.')),
		});
		expiresAt = expiry?.trim() ? Date.parse(expiry.trim()) : undefined;
	}
	return { accessKey: accessKey.trim(), secretKey: secretKey.trim(), securityToken: securityToken.trim() || undefined, expiresAt };
}

/** Why keys from the environment were not imported, naming the variable and never its value. */
function keyProblemText(p: KeyProblem): string {
	if (p.reason === 'missing') {
		return vscode.l10n.t('Not imported: {0} is empty.', p.variable);
	}
	if (p.reason === 'spaceOrControl') {
		return vscode.l10n.t('Not imported: {0} contains a space, a line break or a control character. Set it to the key alone.', p.variable);
	}
	return p.variable === 'HUAWEICLOUD_SDK_AK'
		? vscode.l10n.t('Not imported: {0} is not an access key ID (16 to 64 capital letters and digits).', p.variable)
		: p.variable === 'HUAWEICLOUD_SDK_SK'
			? vscode.l10n.t('Not imported: {0} is not a secret access key (20 to 128 letters, digits and symbols).', p.variable)
			: vscode.l10n.t('Not imported: {0} is not a security token.', p.variable);
}

export async function addProfile(c: CommandContext): Promise<Profile | undefined> {
	const creds = await askCredentials(c);
	if (!creds) {
		return undefined;
	}
	// In a dev container or a remote window the extension host's environment may send every
	// request through a proxy or trust another certificate authority: say so (the names only).
	const routing = requestRoutingVariables(process.env);
	if (routing.length > 0) {
		void say.warn(
			vscode.l10n.t(
				'Requests signed with these keys follow these environment variables of the extension host: {0}. A proxy or an extra certificate authority can see or change them; go on only if you trust it.',
				routing.join(', '),
			),
		);
	}
	// A real call before anything is saved: wrong keys never become a profile. Hosts off Huawei
	// Cloud are asked about now, for the id the profile will have.
	const id = randomUUID();
	const projects = await checkWithIam(c, () =>
		createClient(
			() => creds,
			readSettings().endpoints,
			c.log,
			(host) => c.approvals.approve(id, vscode.l10n.t('the new profile'), host),
		),
	);
	if (projects === 'retry') {
		return addProfile(c);
	}
	if (!projects) {
		return undefined;
	}
	const name = await askProfileName(c, 'default', vscode.l10n.t('Checked: the keys can see {0} project(s).', projects.length));
	if (!name) {
		return undefined;
	}
	return saveChecked(c, id, { name, kind: 'aksk', temporary: !!creds.securityToken, expiresAt: creds.expiresAt, account: accountOf(projects) }, creds);
}

/** The account the listed projects belong to (IAM's domain ID), if they say. */
export function accountOf(projects: readonly Project[]): { id: string } | undefined {
	const id = projects.find((p) => p.domainId)?.domainId;
	return id ? { id } : undefined;
}

/**
 * The IAM check before anything is saved: the projects the client sees, 'retry' when the user
 * asked to try again, or undefined (the failure was said).
 */
export async function checkWithIam(
	c: CommandContext,
	client: () => SdrsClient,
	what = (cause: string): string => vscode.l10n.t('The credentials were not saved: {0}', cause),
): Promise<Project[] | 'retry' | undefined> {
	try {
		return await say.progress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the credentials with IAM…') }, () => client().listProjects());
	} catch (e) {
		const retry = vscode.l10n.t('Try Again');
		const choice = await say.error(what(describeError(e)), retry, vscode.l10n.t('Show Log'));
		if (choice === retry) {
			return 'retry';
		}
		if (choice) {
			c.log.show(true);
		}
		return undefined;
	}
}

/** A free name like `base`, `base-2`… */
export function freeName(c: CommandContext, base: string): string {
	const taken = new Set(c.profiles.list().map((p) => p.name));
	let name = base;
	for (let n = 2; taken.has(name); n++) {
		name = `${base}-${n}`;
	}
	return name;
}

export async function askProfileName(c: CommandContext, suggestion: string, prompt: string): Promise<string | undefined> {
	const name = await c.ports.prompts.input({
		title: vscode.l10n.t('Name this profile'),
		prompt,
		value: freeName(c, suggestion),
		ignoreFocusOut: true,
		validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter a name.') : v.trim().length > 64 ? vscode.l10n.t('At most 64 characters.') : undefined),
	});
	return name?.trim() || undefined;
}

/** Saves a checked profile under `id` (its host approvals carried over when it replaced one of that name). */
export async function saveChecked(c: CommandContext, id: string, meta: Omit<Profile, 'id' | 'createdAt'>, creds: Credentials | undefined, quiet = false): Promise<Profile> {
	const profile = await c.profiles.save(meta, creds, id);
	if (profile.id !== id) {
		await c.approvals.remember(profile.id, c.approvals.hostsOf(id)); // it replaced a profile of that name
	}
	if (!quiet) {
		void say.info(vscode.l10n.t('Profile “{0}” added.', profile.name));
	}
	return profile;
}

export async function removeProfile(c: CommandContext, node?: Node): Promise<void> {
	const profile = node?.type === 'profile' ? node.profile : await pickProfile(c, vscode.l10n.t('Remove which profile?'));
	if (!profile) {
		return;
	}
	// Agency profiles that assume their agency with this profile's keys stop working without it.
	const dependents = c.profiles.list().filter((p) => p.agency?.baseProfileId === profile.id);
	const ok = await c.ports.prompts.confirm(
		vscode.l10n.t('Remove profile “{0}” and delete its keys from secret storage?', profile.name),
		dependents.length ? vscode.l10n.t('These agency profiles use its keys and stop working: {0}', dependents.map((p) => p.name).join(', ')) : '',
		vscode.l10n.t('Remove'),
	);
	if (!ok) {
		return;
	}
	await c.profiles.remove(profile.id);
}

export async function selectProfile(c: CommandContext): Promise<void> {
	const profile = await pickProfile(c, vscode.l10n.t('Default profile for commands'));
	if (profile) {
		await c.profiles.setActive(profile.id);
	}
}

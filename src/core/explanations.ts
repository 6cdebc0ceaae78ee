// What a service error code means and what to do about it, in English: the explanations the UI
// shows beside a refusal or a failed job. Each sentence is a key of the l10n bundle: the UI words it
// in the display language through vscode.l10n (ui/text.ts explain()), so its translations live
// only in l10n/bundle.l10n.*.json.
import { DRILL_EXPLANATIONS } from './drillErrors';

export interface Explanation {
	/** What went wrong, in plain words. */
	explanation: string;
	/** What to do about it. */
	fix: string;
}

/** SDRS.1319 / 1352: the planned failover's precondition. */
const PRODUCTION_RUNNING: Explanation = {
	explanation: 'A server at the current production site is not stopped; a planned failover needs them all stopped.',
	fix: 'Stop the production-site servers (ECS console → Stop), wait until they show Stopped, then run Planned Failover again.',
};

/** The explanation of each known code (the internal errors' one is SDRS_INTERNAL). */
export const EXPLANATIONS: Record<string, Explanation> = {
	'SDRS.0001': { explanation: 'The project ID is not valid for these credentials.', fix: 'Check that the project belongs to the account of this AK/SK.' },
	'SDRS.0004': { explanation: 'The IAM user may not call this SDRS API.', fix: 'Grant the user the SDRS FullAccess (or SDRS Administrator) policy for this project.' },
	'SDRS.0005': { explanation: 'The IAM user has no permission for this operation.', fix: 'Grant the user the SDRS FullAccess policy for this project.' },
	'SDRS.0221': { explanation: 'The page size is out of range.', fix: 'Use a limit from 1 to 1000.' },
	'SDRS.0222': { explanation: 'The page offset is not a non-negative integer.', fix: 'Use an offset of 0 or more.' },
	'SDRS.1002': {
		explanation: 'The protection group is not in a state that allows this operation (or it has no replication pairs).',
		fix: 'Refresh the group. Enable Protection needs status available or error-starting and at least one replication pair; Enable Protection Again needs failed-over or error-reprotecting; Disable Protection and Planned Failover need protected (or their own error status); Failover needs protected, error-failing-over or error-reversing.',
	},
	'SDRS.1013': { explanation: 'The protection group no longer exists.', fix: 'Refresh the view; it may have been deleted in the console.' },
	'SDRS.1027': {
		explanation: 'Enabling protection failed on the service side.',
		fix: 'Check the failing sub-jobs and the replication pairs, then run Enable Protection again (error-starting allows a retry).',
	},
	'SDRS.1032': {
		explanation: 'Enabling protection again (re-protect) failed on the service side.',
		fix: 'Make sure every DR-site server is stopped, check the failing sub-jobs, then run Enable Protection Again (error-reprotecting allows a retry).',
	},
	'SDRS.1316': { explanation: 'A server that must be stopped is still running.', fix: 'Stop the servers named in the check list in the ECS console, wait until they show Stopped, then try again.' },
	'SDRS.1342': {
		explanation: 'A server at the current DR site is not stopped; re-protection would overwrite a running server.',
		fix: 'Stop the DR-site servers first (ECS console → Stop), wait until they show Stopped, then run Enable Protection Again.',
	},
	'SDRS.0216': {
		explanation: 'The site named as the new production site is not valid, or is already production.',
		fix: 'Refresh the group: the switchover names the site opposite the current production site.',
	},
	'SDRS.1028': { explanation: 'Disabling protection failed on the service side.', fix: 'Check the failing sub-jobs, then run Disable Protection again (error-stopping allows a retry).' },
	'SDRS.1029': {
		explanation: 'The planned failover failed on the service side.',
		fix: 'Check the failing sub-jobs; keep the servers in both AZs stopped, then run Planned Failover again (error-reversing allows a retry, or a Failover).',
	},
	'SDRS.1030': {
		explanation: 'The failover failed on the service side.',
		fix: 'Check the failing sub-jobs, then run Failover again (error-failing-over allows a retry); contact Huawei Cloud support if it fails again.',
	},
	'SDRS.1319': PRODUCTION_RUNNING,
	'SDRS.1352': PRODUCTION_RUNNING,
	'SDRS.1823': {
		explanation: 'The service refused the planned failover because of a system fault (a replication pair is faulty).',
		fix: 'Contact Huawei Cloud support; if the production site is failing, a Failover may still work.',
	},
	'SDRS.1824': {
		explanation: 'The service refused the failover because of a system fault (a replication link is broken).',
		fix: 'Contact Huawei Cloud support: a failover is not possible until the fault is repaired.',
	},
	'SDRS.1830': { explanation: 'Replication pairs in the group are still synchronising data.', fix: 'Wait until synchronisation finishes, then try again.' },
	'APIGW.0301': {
		explanation: 'The API gateway rejected the signature: the AK/SK pair is wrong, was deleted, or the security token expired.',
		fix: 'Check the access key and secret key (or refresh temporary credentials) with SDRS: Add Profile.',
	},
	'APIGW.0201': { explanation: 'The request timestamp is outside the gateway’s 15-minute window.', fix: 'Check this computer’s clock; the extension corrects small offsets by itself.' },
	'APIGW.0308': { explanation: 'The API rate limit was reached.', fix: 'Wait a few seconds; the extension retries reads by itself. Lower sdrs.maxConcurrentRequests if it keeps happening.' },
	// Temporary keys through an agency (core/agency.ts, and http.ts for KEYS_RENEWED).
	'AGENCY.BASE_KEYS_REFUSED': {
		explanation: 'IAM refused the base keys used to assume the agency: they are wrong, or were deleted or disabled.',
		fix: 'Update the access key and secret key the agency profile is based on.',
	},
	'AGENCY.FORBIDDEN': {
		explanation: 'The base keys may not assume this agency: their user lacks the permission to assume agencies, or the agency does not trust your account.',
		fix: 'Ask your account’s administrator for the Agent Operator role (iam:tokens:assume), and the delegating account’s administrator to make the agency trust your account.',
	},
	'AGENCY.NOT_FOUND': {
		explanation: 'The delegating account has no agency of this name, or the account name or ID is wrong.',
		fix: 'Check the account name or ID and the agency name with the delegating account’s administrator.',
	},
	'AGENCY.INVALID': {
		explanation: 'IAM refused the request for temporary keys as invalid.',
		fix: 'Check the agency profile: the duration must be from 900 to 86400 seconds, and the account and agency must be named.',
	},
	'AGENCY.UNAVAILABLE': { explanation: 'The temporary keys of the agency could not be obtained from IAM.', fix: 'Check the connection and the IAM endpoint, then try again.' },
	KEYS_RENEWED: { explanation: 'The temporary keys had run out when the action was sent, so the gateway refused it and nothing changed. New keys were obtained.', fix: 'Run the action again.' },
};
EXPLANATIONS['APIG.0308'] = EXPLANATIONS['APIGW.0308'];
Object.assign(EXPLANATIONS, DRILL_EXPLANATIONS);

/** SDRS.0006–0016 and SDRS.0401–0408: the service's internal errors. */
export const SDRS_INTERNAL: Explanation = { explanation: 'SDRS reported an internal error.', fix: 'Try again in a few minutes; if it persists, open a ticket with the request ID.' };

/** A plain explanation and fix for a service error code (in English), or undefined for codes we do not know. */
export function explainCode(code: string | undefined): Explanation | undefined {
	if (!code) {
		return undefined;
	}
	return EXPLANATIONS[code] ?? (/^SDRS\.0(0(0[6-9]|1[0-6])|40[1-8])$/.test(code) ? SDRS_INTERNAL : undefined);
}

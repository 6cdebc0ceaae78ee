// One error type for everything that can go wrong talking to Huawei Cloud, a parser for every
// error body shape the services use (sdrs-api.md §8.1), and plain explanations for the codes.
import { DRILL_EXPLANATIONS } from './drillErrors';

export type ErrorKind =
	| 'http' // the service answered with a non-2xx status
	| 'network' // connection refused, reset, DNS, TLS
	| 'timeout' // no complete answer within the request timeout
	| 'parse' // a 2xx answer whose body is not what the API documents
	| 'too-large' // the body passed the response size cap
	| 'aborted' // the caller stopped waiting
	| 'config'; // refused before sending (bad endpoint, plain http to a remote host, ...)

export class SdrsError extends Error {
	override readonly name = 'SdrsError';
	constructor(
		message: string,
		readonly kind: ErrorKind,
		readonly status?: number,
		readonly code?: string,
		readonly requestId?: string,
		/** For `network` errors: the system code (ECONNRESET, ENOTFOUND, ...). */
		override readonly cause?: unknown,
	) {
		super(message);
	}

	/** Whether an idempotent request may be sent again. */
	get transient(): boolean {
		// A 2xx body that does not parse is most often a proxy or transport glitch.
		if (this.kind === 'network' || this.kind === 'timeout' || this.kind === 'parse') {
			return true;
		}
		if (this.kind !== 'http' || this.status === undefined) {
			return false;
		}
		return isThrottled(this) || [500, 502, 503, 504].includes(this.status);
	}

	/** One line for logs and messages; never contains credentials. */
	override toString(): string {
		const parts = [this.message];
		if (this.code) {
			parts.push(`code ${this.code}`);
		}
		if (this.status && !this.message.startsWith(`HTTP ${this.status}`)) {
			parts.push(`HTTP ${this.status}`);
		}
		if (this.requestId) {
			parts.push(`request ${this.requestId}`);
		}
		return parts.join(' · ');
	}
}

/** The one place an unknown failure becomes an SdrsError (a network error unless it already is one). */
export function toSdrsError(e: unknown): SdrsError {
	return e instanceof SdrsError ? e : new SdrsError(e instanceof Error ? e.message : String(e), 'network', undefined, undefined, undefined, e);
}

/**
 * Whether the gateway refused temporary credentials because they expired (a 401 that says so;
 * the exact code is unconfirmed, so the message decides, tolerantly).
 */
export function isExpiredCredentials(e: SdrsError): boolean {
	return e.kind === 'http' && e.status === 401 && /(token|credential|security).{0,40}expired|expired.{0,40}(token|credential)/i.test(e.message);
}

export function isThrottleCode(code: string | undefined): boolean {
	return code === 'APIGW.0308' || code === 'APIG.0308';
}

/** The gateway throttled the request (429 / APIGW.0308): it was refused, so nothing was applied. */
export function isThrottled(error: SdrsError): boolean {
	return error.status === 429 || isThrottleCode(error.code);
}

/**
 * The service refused the keys themselves (401, 403, APIGW.0301): every further request with them
 * would be refused too, and repeated failures may lock the access key.
 */
export function isAuthFailure(error: SdrsError): boolean {
	return (error.kind === 'http' && (error.status === 401 || error.status === 403)) || error.code === 'APIGW.0301' || error.code === 'APIG.0301';
}

interface CodeAndMessage {
	code?: string;
	message?: string;
}

function asString(v: unknown): string | undefined {
	return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Finds `error_code`/`error_msg`, then `code`/`message`, then recurses into nested objects (Go SDK order). */
function findCode(value: unknown, depth = 0): CodeAndMessage | undefined {
	if (value === null || typeof value !== 'object' || depth > 4) {
		return undefined;
	}
	const o = value as Record<string, unknown>;
	const gwCode = asString(o.error_code);
	if (gwCode) {
		return { code: gwCode, message: asString(o.error_msg) ?? asString(o.message) };
	}
	const code = asString(o.code);
	if (code && (asString(o.message) !== undefined || /^[A-Z]+\.\d+/.test(code))) {
		return { code, message: asString(o.message) };
	}
	for (const nested of Object.values(o)) {
		const found = findCode(nested, depth + 1);
		if (found) {
			return found;
		}
	}
	return undefined;
}

/**
 * Turns an error response into an SdrsError. Handles `{"error":{code,message}}`, any other
 * wrapper key (`badrequest`, `itemNotFound`, ...), gateway `{"error_code","error_msg"}`, and
 * bodies that are not JSON at all (HTML error pages, empty, truncated).
 */
export function parseErrorResponse(status: number, body: string, requestId?: string): SdrsError {
	let found: CodeAndMessage | undefined;
	let bodyRequestId: string | undefined;
	const trimmed = body.trim();
	if (trimmed.startsWith('{')) {
		try {
			const parsed: unknown = JSON.parse(trimmed);
			found = findCode(parsed);
			bodyRequestId = asString((parsed as Record<string, unknown> | null)?.request_id);
		} catch {
			found = undefined;
		}
	}
	const reqId = requestId ?? bodyRequestId;
	if (found?.code || found?.message) {
		return new SdrsError(clean(found.message) ?? `HTTP ${status}`, 'http', status, found.code, reqId);
	}
	let summary: string;
	if (trimmed === '') {
		summary = `HTTP ${status} with an empty body`;
	} else if (/^<(!doctype|html)/i.test(trimmed)) {
		const title = /<title>([^<]{1,120})<\/title>/i.exec(trimmed)?.[1];
		summary = `HTTP ${status}: the server answered with an HTML page${title ? ` (“${clean(title)}”)` : ''}, not an API response`;
	} else {
		summary = `HTTP ${status}: ${clean(trimmed.slice(0, 160))}${trimmed.length > 160 ? '…' : ''}`;
	}
	return new SdrsError(summary, 'http', status, undefined, reqId);
}

// C0/C1 controls, and the bidi marks, embeddings, overrides and isolates that make text read as
// something else (U+061C, U+200E/F, U+202A–E, U+2066–9).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const BIDI_ALL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Removes control characters (a space each) and bidi controls (nothing), and caps the length of
 * text that came from a server: every field the model reads goes through it, so a name shown as a
 * tree label, description or tooltip cannot reorder itself.
 */
export function clean(text: string | undefined, max = 500): string | undefined {
	if (text === undefined) {
		return undefined;
	}
	// Most values are clean: testing first spares the copy (this runs on every field of every group).
	const s = (CONTROL.test(text) ? text.replace(CONTROL_ALL, ' ').replace(BIDI_ALL, '') : text).trim();
	return s.length > max ? s.slice(0, max) + '…' : s;
}

export interface Explanation {
	/** What went wrong, in plain words. */
	explanation: string;
	/** What to do about it. */
	fix: string;
}

type Lang = 'en' | 'zh-cn';

/** SDRS.1319 / 1352: the planned failover's precondition. */
const PRODUCTION_RUNNING: Record<Lang, Explanation> = {
	en: {
		explanation: 'A server at the current production site is not stopped; a planned failover needs them all stopped.',
		fix: 'Stop the production-site servers (ECS console → Stop), wait until they show Stopped, then run Planned Failover again.',
	},
	'zh-cn': { explanation: '当前生产站点的服务器未关机；计划性切换要求其全部关机。', fix: '请先关闭生产站点的服务器（ECS 控制台 → 关机），待其显示“关机”后再执行计划性切换。' },
};

const EXPLANATIONS: Record<string, Record<Lang, Explanation>> = {
	'SDRS.0001': {
		en: { explanation: 'The project ID is not valid for these credentials.', fix: 'Check that the project belongs to the account of this AK/SK.' },
		'zh-cn': { explanation: '项目 ID 对当前凭证无效。', fix: '请确认该项目属于此 AK/SK 所在的账号。' },
	},
	'SDRS.0004': {
		en: { explanation: 'The IAM user may not call this SDRS API.', fix: 'Grant the user the SDRS FullAccess (or SDRS Administrator) policy for this project.' },
		'zh-cn': { explanation: '该 IAM 用户无权调用此 SDRS 接口。', fix: '请在该项目中为用户授予 SDRS FullAccess（或 SDRS Administrator）权限。' },
	},
	'SDRS.0005': {
		en: { explanation: 'The IAM user has no permission for this operation.', fix: 'Grant the user the SDRS FullAccess policy for this project.' },
		'zh-cn': { explanation: '该 IAM 用户无权执行此操作。', fix: '请在该项目中为用户授予 SDRS FullAccess 权限。' },
	},
	'SDRS.0221': {
		en: { explanation: 'The page size is out of range.', fix: 'Use a limit from 1 to 1000.' },
		'zh-cn': { explanation: '分页大小超出范围。', fix: 'limit 取值应为 1 到 1000。' },
	},
	'SDRS.0222': {
		en: { explanation: 'The page offset is not a non-negative integer.', fix: 'Use an offset of 0 or more.' },
		'zh-cn': { explanation: '分页偏移量不是非负整数。', fix: 'offset 应大于等于 0。' },
	},
	'SDRS.1002': {
		en: {
			explanation: 'The protection group is not in a state that allows this operation (or it has no replication pairs).',
			fix: 'Refresh the group. Enable Protection needs status available or error-starting and at least one replication pair; Enable Protection Again needs failed-over or error-reprotecting; Disable Protection and Planned Failover need protected (or their own error status); Failover needs protected, error-failing-over or error-reversing.',
		},
		'zh-cn': {
			explanation: '保护组当前状态不允许此操作（或保护组没有复制对）。',
			fix: '请刷新保护组。开启保护要求状态为 available 或 error-starting 且至少有一个复制对；重保护要求状态为 failed-over 或 error-reprotecting；停止保护和计划性切换要求状态为 protected（或各自的错误状态）；故障切换要求状态为 protected、error-failing-over 或 error-reversing。',
		},
	},
	'SDRS.1013': {
		en: { explanation: 'The protection group no longer exists.', fix: 'Refresh the view; it may have been deleted in the console.' },
		'zh-cn': { explanation: '保护组已不存在。', fix: '请刷新视图；它可能已在控制台中被删除。' },
	},
	'SDRS.1027': {
		en: {
			explanation: 'Enabling protection failed on the service side.',
			fix: 'Check the failing sub-jobs and the replication pairs, then run Enable Protection again (error-starting allows a retry).',
		},
		'zh-cn': { explanation: '服务端开启保护失败。', fix: '请查看失败的子任务和复制对，然后再次执行开启保护（error-starting 状态允许重试）。' },
	},
	'SDRS.1032': {
		en: {
			explanation: 'Enabling protection again (re-protect) failed on the service side.',
			fix: 'Make sure every DR-site server is stopped, check the failing sub-jobs, then run Enable Protection Again (error-reprotecting allows a retry).',
		},
		'zh-cn': { explanation: '服务端重保护失败。', fix: '请确认容灾端服务器均已关机，查看失败的子任务，然后再次执行重保护（error-reprotecting 状态允许重试）。' },
	},
	'SDRS.1316': {
		en: { explanation: 'A server that must be stopped is still running.', fix: 'Stop the servers named in the check list in the ECS console, wait until they show Stopped, then try again.' },
		'zh-cn': { explanation: '需要关机的服务器仍在运行。', fix: '请在 ECS 控制台关闭检查列表中列出的服务器，待其显示“关机”后重试。' },
	},
	'SDRS.1342': {
		en: {
			explanation: 'A server at the current DR site is not stopped; re-protection would overwrite a running server.',
			fix: 'Stop the DR-site servers first (ECS console → Stop), wait until they show Stopped, then run Enable Protection Again.',
		},
		'zh-cn': { explanation: '当前容灾端的服务器未关机，重保护会覆盖正在运行的服务器。', fix: '请先关闭容灾端服务器（ECS 控制台 → 关机），待其显示“关机”后再执行重保护。' },
	},
	'SDRS.0216': {
		en: {
			explanation: 'The site named as the new production site is not valid, or is already production.',
			fix: 'Refresh the group: the switchover names the site opposite the current production site.',
		},
		'zh-cn': { explanation: '指定的新生产站点无效，或已是生产站点。', fix: '请刷新保护组：计划性切换应指定与当前生产站点相反的站点。' },
	},
	'SDRS.1028': {
		en: { explanation: 'Disabling protection failed on the service side.', fix: 'Check the failing sub-jobs, then run Disable Protection again (error-stopping allows a retry).' },
		'zh-cn': { explanation: '服务端停止保护失败。', fix: '请查看失败的子任务，然后再次执行停止保护（error-stopping 状态允许重试）。' },
	},
	'SDRS.1029': {
		en: {
			explanation: 'The planned failover failed on the service side.',
			fix: 'Check the failing sub-jobs; keep the servers in both AZs stopped, then run Planned Failover again (error-reversing allows a retry, or a Failover).',
		},
		'zh-cn': { explanation: '服务端计划性切换失败。', fix: '请查看失败的子任务；保持两个可用区的服务器关机，然后再次执行计划性切换（error-reversing 状态允许重试，也可执行故障切换）。' },
	},
	'SDRS.1030': {
		en: {
			explanation: 'The failover failed on the service side.',
			fix: 'Check the failing sub-jobs, then run Failover again (error-failing-over allows a retry); contact Huawei Cloud support if it fails again.',
		},
		'zh-cn': { explanation: '服务端故障切换失败。', fix: '请查看失败的子任务，然后再次执行故障切换（error-failing-over 状态允许重试）；如再次失败，请联系华为云技术支持。' },
	},
	'SDRS.1319': PRODUCTION_RUNNING,
	'SDRS.1352': PRODUCTION_RUNNING,
	'SDRS.1823': {
		en: {
			explanation: 'The service refused the planned failover because of a system fault (a replication pair is faulty).',
			fix: 'Contact Huawei Cloud support; if the production site is failing, a Failover may still work.',
		},
		'zh-cn': { explanation: '由于系统故障（复制对异常），服务拒绝了计划性切换。', fix: '请联系华为云技术支持；如生产站点故障，仍可尝试故障切换。' },
	},
	'SDRS.1824': {
		en: {
			explanation: 'The service refused the failover because of a system fault (a replication link is broken).',
			fix: 'Contact Huawei Cloud support: a failover is not possible until the fault is repaired.',
		},
		'zh-cn': { explanation: '由于系统故障（复制链路中断），服务拒绝了故障切换。', fix: '请联系华为云技术支持：故障修复前无法执行故障切换。' },
	},
	'SDRS.1830': {
		en: { explanation: 'Replication pairs in the group are still synchronising data.', fix: 'Wait until synchronisation finishes, then try again.' },
		'zh-cn': { explanation: '保护组中的复制对正在同步数据。', fix: '请等待同步完成后重试。' },
	},
	'APIGW.0301': {
		en: {
			explanation: 'The API gateway rejected the signature: the AK/SK pair is wrong, was deleted, or the security token expired.',
			fix: 'Check the access key and secret key (or refresh temporary credentials) with SDRS: Add Profile.',
		},
		'zh-cn': { explanation: 'API 网关拒绝了签名：AK/SK 错误、已删除，或临时安全令牌已过期。', fix: '请通过“SDRS: 添加凭证”检查访问密钥和秘密访问密钥（或更新临时凭证）。' },
	},
	'APIGW.0201': {
		en: { explanation: 'The request timestamp is outside the gateway’s 15-minute window.', fix: 'Check this computer’s clock; the extension corrects small offsets by itself.' },
		'zh-cn': { explanation: '请求时间戳超出网关允许的 15 分钟范围。', fix: '请检查本机时钟；扩展会自动校正较小的偏差。' },
	},
	'APIGW.0308': {
		en: { explanation: 'The API rate limit was reached.', fix: 'Wait a few seconds; the extension retries reads by itself. Lower sdrs.maxConcurrentRequests if it keeps happening.' },
		'zh-cn': { explanation: '已达到 API 流控上限。', fix: '请稍候；扩展会自动重试读取请求。如频繁出现，请调低 sdrs.maxConcurrentRequests。' },
	},
	// Temporary keys through an agency (core/agency.ts, and http.ts for KEYS_RENEWED).
	'AGENCY.BASE_KEYS_REFUSED': {
		en: {
			explanation: 'IAM refused the base keys used to assume the agency: they are wrong, or were deleted or disabled.',
			fix: 'Update the access key and secret key the agency profile is based on.',
		},
		'zh-cn': { explanation: 'IAM 拒绝了用于切换委托的基础密钥：密钥错误，或已被删除或停用。', fix: '请更新该委托配置所基于的访问密钥和秘密访问密钥。' },
	},
	'AGENCY.FORBIDDEN': {
		en: {
			explanation: 'The base keys may not assume this agency: their user lacks the permission to assume agencies, or the agency does not trust your account.',
			fix: 'Ask your account’s administrator for the Agent Operator role (iam:tokens:assume), and the delegating account’s administrator to make the agency trust your account.',
		},
		'zh-cn': {
			explanation: '基础密钥无权切换此委托：其用户缺少切换委托的权限，或该委托未信任您的账号。',
			fix: '请让本账号管理员授予 Agent Operator 权限（iam:tokens:assume），并让委托方账号管理员将委托的受托方设为您的账号。',
		},
	},
	'AGENCY.NOT_FOUND': {
		en: {
			explanation: 'The delegating account has no agency of this name, or the account name or ID is wrong.',
			fix: 'Check the account name or ID and the agency name with the delegating account’s administrator.',
		},
		'zh-cn': { explanation: '委托方账号下没有该名称的委托，或账号名、账号 ID 有误。', fix: '请与委托方账号管理员核对账号名或账号 ID 以及委托名称。' },
	},
	'AGENCY.INVALID': {
		en: {
			explanation: 'IAM refused the request for temporary keys as invalid.',
			fix: 'Check the agency profile: the duration must be from 900 to 86400 seconds, and the account and agency must be named.',
		},
		'zh-cn': { explanation: 'IAM 认为获取临时密钥的请求无效。', fix: '请检查委托配置：有效期须为 900 到 86400 秒，并须填写账号和委托名称。' },
	},
	'AGENCY.UNAVAILABLE': {
		en: { explanation: 'The temporary keys of the agency could not be obtained from IAM.', fix: 'Check the connection and the IAM endpoint, then try again.' },
		'zh-cn': { explanation: '无法从 IAM 获取委托的临时密钥。', fix: '请检查网络连接和 IAM 终端节点后重试。' },
	},
	KEYS_RENEWED: {
		en: { explanation: 'The temporary keys had run out when the action was sent, so the gateway refused it and nothing changed. New keys were obtained.', fix: 'Run the action again.' },
		'zh-cn': { explanation: '发送操作时临时密钥已过期，网关拒绝了请求，未做任何更改。已获取新的密钥。', fix: '请重新执行该操作。' },
	},
};
EXPLANATIONS['APIG.0308'] = EXPLANATIONS['APIGW.0308'];
Object.assign(EXPLANATIONS, DRILL_EXPLANATIONS);

const SDRS_500: Record<Lang, Explanation> = {
	en: { explanation: 'SDRS reported an internal error.', fix: 'Try again in a few minutes; if it persists, open a ticket with the request ID.' },
	'zh-cn': { explanation: 'SDRS 返回内部错误。', fix: '请几分钟后重试；如持续出现，请携带请求 ID 提交工单。' },
};

/** A plain explanation and fix for a service error code, or undefined for codes we do not know. */
export function explainCode(code: string | undefined, language = 'en'): Explanation | undefined {
	if (!code) {
		return undefined;
	}
	const lang: Lang = language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
	const entry = EXPLANATIONS[code] ?? (/^SDRS\.0(0(0[6-9]|1[0-6])|40[1-8])$/.test(code) ? SDRS_500 : undefined);
	return entry?.[lang];
}

/** The code of the `config` error raised when a profile has no stored keys. */
export const NO_CREDENTIALS = 'NO_CREDENTIALS';

/** The code of the 401 an action gets when its temporary keys ran out and were renewed (it is not sent again). */
export const KEYS_RENEWED = 'KEYS_RENEWED';

export type ErrorCategory = 'no-credentials' | 'auth' | 'forbidden' | 'network' | 'throttled' | 'not-offered' | 'server' | 'bad-response' | 'other';

/** The category the UI uses to name the cause of a failure. */
export function categorize(err: unknown): ErrorCategory {
	if (!(err instanceof SdrsError)) {
		return 'other';
	}
	if (err.kind === 'config' && err.code === NO_CREDENTIALS) {
		return 'no-credentials';
	}
	if (err.kind === 'network' || err.kind === 'timeout') {
		const sys = (err.cause as { code?: string } | undefined)?.code;
		return sys === 'ENOTFOUND' ? 'not-offered' : 'network';
	}
	if (err.kind === 'parse' || err.kind === 'too-large') {
		return 'bad-response';
	}
	// Not a key problem any more: new keys are in hand, the message says to run the action again.
	if (err.kind !== 'http' || err.code === KEYS_RENEWED) {
		return 'other';
	}
	if (isThrottled(err)) {
		return 'throttled';
	}
	if (err.status === 401 || err.code === 'APIGW.0301' || err.code === 'APIGW.0201' || err.code === 'SDRS.0002') {
		return 'auth';
	}
	if (err.status === 403 || ['SDRS.0003', 'SDRS.0004', 'SDRS.0005'].includes(err.code ?? '')) {
		return 'forbidden';
	}
	if (err.status === 404) {
		return 'not-offered';
	}
	if ((err.status ?? 0) >= 500) {
		return 'server';
	}
	return 'other';
}

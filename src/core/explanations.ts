// What a service error code means and what to do about it, in English and Simplified Chinese: the
// explanations the UI shows beside a refusal or a failed job (ui/text.ts explain()).
import { DRILL_EXPLANATIONS } from './drillErrors';

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

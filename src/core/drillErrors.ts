// Explanations of the DR-drill error codes (sdrs-api.md §2.4), in English and Simplified Chinese,
// merged into errors.ts's table. Codes the reference groups (1924–1930) are explained as a group;
// the internal ones (1911–1920 but 1913) say to contact support.
import type { Explanation } from './explanations';

type Entry = Record<'en' | 'zh-cn', Explanation>;

const INTERNAL: Entry = {
	en: { explanation: 'SDRS failed internally while handling the DR drill.', fix: 'Try again in a few minutes; if it persists, open a ticket with the request ID.' },
	'zh-cn': { explanation: 'SDRS 处理容灾演练时发生内部错误。', fix: '请几分钟后重试；如持续出现，请携带请求 ID 提交工单。' },
};

const VPC_PROBLEM: Entry = {
	en: {
		explanation: 'The drill VPC cannot be used: its subnets, the VPC itself, or the VPC or subnet quota of the project stood in the way.',
		fix: 'Pick “Let the service create a drill VPC”, or a VPC of this project that has subnets with the group’s CIDR blocks, and check the VPC and subnet quotas.',
	},
	'zh-cn': {
		explanation: '演练 VPC 无法使用：其子网、VPC 本身，或项目的 VPC、子网配额不满足要求。',
		fix: '请选择“由服务创建演练 VPC”，或选择本项目中包含保护组网段子网的 VPC，并检查 VPC 和子网配额。',
	},
};

export const DRILL_EXPLANATIONS: Record<string, Entry> = {
	'SDRS.1902': {
		en: { explanation: 'The DR drill no longer exists.', fix: 'Refresh the group’s DR drills: it may have been deleted already.' },
		'zh-cn': { explanation: '容灾演练已不存在。', fix: '请刷新保护组的容灾演练：它可能已被删除。' },
	},
	'SDRS.1907': {
		en: {
			explanation: 'The drill VPC is the VPC of the protection group: a drill must run in a VPC of its own, isolated from production.',
			fix: 'Pick another VPC, or let the service create a drill VPC.',
		},
		'zh-cn': { explanation: '演练 VPC 就是保护组所在的 VPC：演练必须在与生产隔离的独立 VPC 中进行。', fix: '请选择其他 VPC，或由服务创建演练 VPC。' },
	},
	'SDRS.1908': {
		en: { explanation: 'The drill VPC has no subnet.', fix: 'Add subnets with the protection group’s CIDR blocks to that VPC, or let the service create a drill VPC.' },
		'zh-cn': { explanation: '演练 VPC 没有子网。', fix: '请在该 VPC 中添加与保护组网段相同的子网，或由服务创建演练 VPC。' },
	},
	'SDRS.1909': {
		en: {
			explanation: 'The drill VPC lacks a subnet with the CIDR block of the protection group’s subnets.',
			fix: 'Add subnets with the same CIDR blocks as the group’s to that VPC, or let the service create a drill VPC.',
		},
		'zh-cn': { explanation: '演练 VPC 缺少与保护组子网网段相同的子网。', fix: '请在该 VPC 中添加与保护组相同网段的子网，或由服务创建演练 VPC。' },
	},
	'SDRS.1910': {
		en: {
			explanation: 'An IP address the drill servers need is already in use in the drill VPC.',
			fix: 'Free the addresses in the drill VPC’s subnets, or pick another VPC or let the service create one.',
		},
		'zh-cn': { explanation: '演练服务器所需的 IP 地址在演练 VPC 中已被占用。', fix: '请释放演练 VPC 子网中的这些地址，或选择其他 VPC，或由服务创建演练 VPC。' },
	},
	'SDRS.1913': {
		en: { explanation: 'The DR drill cannot be deleted in its current status.', fix: 'Wait until the drill is available, error or error-deleting (refresh its group), then delete it.' },
		'zh-cn': { explanation: '容灾演练当前状态不允许删除。', fix: '请等待演练变为 available、error 或 error-deleting（刷新其保护组）后再删除。' },
	},
	'SDRS.1921': {
		en: { explanation: 'The drill VPC is already used by a DR drill that is being created.', fix: 'Wait for that drill to be created, or pick another VPC.' },
		'zh-cn': { explanation: '该演练 VPC 正被另一个创建中的容灾演练使用。', fix: '请等待该演练创建完成，或选择其他 VPC。' },
	},
	'SDRS.1922': {
		en: {
			explanation: 'Creating the DR drill failed: its job ended in failure (often the drill VPC’s subnets: none, or none with the group’s CIDR blocks).',
			fix: 'Read the job’s reason, delete the failed drill, then start a drill again with a suitable VPC or let the service create one.',
		},
		'zh-cn': {
			explanation: '创建容灾演练失败：任务以失败结束（常见原因是演练 VPC 没有子网，或没有与保护组网段相同的子网）。',
			fix: '请查看任务的失败原因，删除失败的演练，然后使用合适的 VPC（或由服务创建）重新发起演练。',
		},
	},
	'SDRS.1923': {
		en: {
			explanation: 'Deleting the DR drill failed: its job ended in failure (the drill is error-deleting).',
			fix: 'Run Delete DR Drill again; if it fails again, check the drill servers in the ECS console or contact support.',
		},
		'zh-cn': { explanation: '删除容灾演练失败：任务以失败结束（演练状态为 error-deleting）。', fix: '请再次执行删除容灾演练；如仍失败，请在 ECS 控制台检查演练服务器或联系技术支持。' },
	},
	'SDRS.1928': {
		en: { explanation: 'The drill VPC was not found in this project.', fix: 'Refresh the VPC list and pick a VPC that exists, or let the service create a drill VPC.' },
		'zh-cn': { explanation: '在本项目中找不到演练 VPC。', fix: '请刷新 VPC 列表并选择存在的 VPC，或由服务创建演练 VPC。' },
	},
};

for (const code of ['SDRS.1911', 'SDRS.1912', 'SDRS.1914', 'SDRS.1915', 'SDRS.1916', 'SDRS.1917', 'SDRS.1918', 'SDRS.1919', 'SDRS.1920']) {
	DRILL_EXPLANATIONS[code] = INTERNAL;
}
for (const code of ['SDRS.1924', 'SDRS.1925', 'SDRS.1926', 'SDRS.1927', 'SDRS.1929', 'SDRS.1930']) {
	DRILL_EXPLANATIONS[code] = VPC_PROBLEM;
}

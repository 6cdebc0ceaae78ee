// The deliberately failing UI test (proof that the harness can fail) runs only with SDRS_TEST_FAIL=1.
module.exports = {
	spec: ['out/test/ui/**/*.test.js'],
	ignore: process.env.SDRS_TEST_FAIL ? [] : ['out/test/ui/failing.test.js'],
	timeout: 240000,
	'enable-source-maps': true,
	'forbid-only': true,
	'forbid-pending': true,
};

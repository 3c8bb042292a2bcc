/**
 * The scratch folder of one test run: tests/support/global-setup.ts makes it and names it in this
 * environment variable (the workers inherit it), tests/support/global-teardown.ts removes it. Suites
 * put there what the whole run shares, e.g. the one `osls package` of the deploy suites.
 */
export const RUN_DIR_ENV = 'ACCESS_AUDITOR_TEST_RUN_DIR';

/**
 * A package of the central service made before the run (`scripts/package-all.sh test`, as .ci/run does):
 * the deploy suites read it instead of packaging.
 */
export const PACKAGE_DIR_ENV = 'ACCESS_AUDITOR_PACKAGE_DIR';

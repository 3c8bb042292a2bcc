// The AWS SDK warns once per process that versions after January 2027 need Node 22; the lockfile pins
// versions that support Node 20, so the warning is only noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

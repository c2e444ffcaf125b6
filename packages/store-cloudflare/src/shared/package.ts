/** This package's npm name, named in errors and resolver explanations. */
export const PACKAGE_NAME = '@agent-conversations/store-cloudflare';

/**
 * Who may do what (API.md "Authentication", "Tokens and scopes"): the roles
 * a token carries. The lowest layer: config, store, plugins and services
 * all name them.
 */
export const ROLES = ['admin', 'writer', 'approver', 'preview', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see figures the public may not see yet: every answer to them is private, and logged when it carries such figures. */
export const PRIVILEGED_ROLES: ReadonlySet<Role> = new Set(['admin', 'writer', 'approver', 'preview']);

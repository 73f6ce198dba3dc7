/**
 * The anchor of a section of the sandbox's Oracle-page description, from the menu path VS Code
 * shows ("Navigator > Tools > Security Console > Roles" → "navigator-tools-security-console-roles").
 * On the local sandbox, "Open in Oracle" opens `/fscmUI/faces/FuseWelcome#<anchor>`. No imports:
 * the extension uses it too (the sandbox never imports product code, not the other way round).
 */
export function pageAnchor(navigation: string): string {
  return navigation
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

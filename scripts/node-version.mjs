// Shared guard of every entry point: the services need Node 24 (at least 22.18, which
// runs TypeScript directly and loads better-sqlite3 13). Plain JS so that old Node reads it.
export function requireNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 18)) {
    console.error(
      `EV Supervisor needs Node 24 (>= 22.18); this is Node ${process.versions.node}. Run it through npm (npm run serve / npm test), which puts the project's own Node 24 first on PATH.`,
    );
    process.exit(1);
  }
}

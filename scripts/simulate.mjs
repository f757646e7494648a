const [major, minor] = process.versions.node.split('.').map(Number); if (major < 22 || (major === 22 && minor < 18)) { console.error(`simulate: Node >= 22.18 is required (this is ${process.versions.node}); use node_modules/.bin/node`); process.exit(1); }
// Charge-point simulator CLI; the implementation is TypeScript, run directly by Node (type stripping).
// Usage: npm run simulate -- --url ws://127.0.0.1:8180/ocpp --count 10 [--protocol mixed] [--project assets/demo/project.json]
const { main } = await import('../src-main/simulator/cli.ts');
process.exitCode = await main(process.argv.slice(2));

// Development server: the live demo + API + built dashboard on one port, with fresh keys printed.
//   npx vite build --config web/vite.config.ts && npx tsx web/dev-server.ts [port]
// For hot reload run `npx vite --config web/vite.config.ts` too: it proxies the API to port 8080.
import { startDemoStack } from "./server/demo-stack.js";

const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
const stack = await startDemoStack({ port });
console.log(`AdPilot dashboard: ${stack.url}/`);
console.log(`  admin key:    ${stack.keys.admin}`);
console.log(`  approver key: ${stack.keys.approver}`);
console.log(`  viewer key:   ${stack.keys.viewer}`);
const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
// `npx vite --config web/vite.config.ts` (hot reload) forwards API calls to a dev server on 8080.
const api = process.env.ADPILOT_API ?? "http://127.0.0.1:8080";
const apiPaths = ["/accounts", "/workspaces", "/keys", "/events", "/alerts", "/proposals", "/lab", "/status"];

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 900,
  },
  server: { proxy: Object.fromEntries(apiPaths.map((p) => [p, { target: api, changeOrigin: false }])) },
});

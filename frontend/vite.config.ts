import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Built into dist/ and served by Django: index.html at / (backend.core.views.web_app), the assets under /static/.
// `npm run dev` serves the app on :5173 and sends API calls to Django on :8000.
const django = "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  base: "/static/",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { "/api": django, "/admin": django, "/pay": django } },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
  },
});

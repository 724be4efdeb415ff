import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/settings.ts', './src/*/schema.ts'],
  out: './migrations',
});

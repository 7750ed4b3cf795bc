import { defineConfig } from 'drizzle-kit';

// SQL migrations are generated from the schema files into migrations/ and never edited after a release.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/main/db/schema/index.ts',
  out: './migrations',
});

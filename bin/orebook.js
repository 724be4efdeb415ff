#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step between a change and a run.
// tsx reads the JSX settings from the project's tsconfig, named here so that `orebook` works from any
// directory (otherwise tsx looks in the current one and every page fails with "React is not defined").
import { fileURLToPath, URL } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/main.ts');

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first (docs/architecture.md). A file may import its own folder, any
 * lower layer, and another module of its own layer; another module only through that module's
 * public face (`<module>/public.ts`); the kernel (db, core, web) no module at all; nothing but the
 * composition root (the files directly in src/: app.tsx, cli.ts, modules.ts, ...) a module's
 * `module.ts`. Tests may also use the test harness and the composition root.
 */
const kernel = ['db', 'core', 'web'];
const moduleLayers = [['journal'], ['accounts', 'files'], ['rates'], ['sites'], ['registry', 'fund', 'safety', 'children', 'savings'], ['imports', 'finance'], ['report', 'portal', 'community']];
const modules = moduleLayers.flat();
const rootFiles = ['app', 'backup', 'cli', 'config', 'demo', 'demo-witnesses', 'home', 'main', 'modules', 'runtime'];

/** The start of a relative import that climbs `depth` folders, from a file that deep under src/, back to src/. */
const up = (depth) => `^(\\.\\./){${depth}}`;
const anyOf = (names) => `(${names.join('|')})`;

/** The restrictions for a file `depth` folders under src/ in folder `name` (a test file or not). */
function rulesFor(name, depth, { isTest }) {
  const patterns = [];
  const climb = up(depth);
  if (kernel.includes(name)) {
    patterns.push({ regex: `${climb}${anyOf(modules)}/`, message: 'The kernel (db, core, web) knows no module: pass what it needs in from the composition root, or let the module extend it (see Services in web/context.ts).' });
    if (name !== 'web') patterns.push({ regex: `${climb}web/`, message: 'db and core sit below the web frame.' });
    if (name === 'db') patterns.push({ regex: `${climb}core/`, message: 'db is the lowest layer.' });
  } else {
    const layer = moduleLayers.findIndex((names) => names.includes(name));
    const higher = moduleLayers.slice(layer + 1).flat();
    const peersAndLower = moduleLayers.slice(0, layer + 1).flat().filter((other) => other !== name);
    if (higher.length) patterns.push({ regex: `${climb}${anyOf(higher)}/`, message: `${name} is in a lower layer than ${higher.join(', ')}: it may not use them (docs/architecture.md).` });
    if (peersAndLower.length) patterns.push({ regex: `${climb}${anyOf(peersAndLower)}/(?!public\\.ts$)`, message: 'Another module is used only through its public face, <module>/public.ts.' });
  }
  if (!isTest) patterns.push({ regex: `${climb}${anyOf(rootFiles)}\\.tsx?$`, message: 'The composition root (the files directly in src/) uses the modules, not the other way round.' });
  return { 'no-restricted-imports': ['error', { patterns }] };
}

/** One block per folder of src/ and per depth below it, since a relative import's climb depends on the depth. */
const layerRules = [...kernel, ...modules].flatMap((name) =>
  [1, 2, 3, 4].flatMap((depth) => {
    const files = `src/${name}/${'*/'.repeat(depth - 1)}*.{ts,tsx}`;
    const tests = `src/${name}/${'*/'.repeat(depth - 1)}*.test.{ts,tsx}`;
    return [
      { files: [files], ignores: [tests], rules: rulesFor(name, depth, { isTest: false }) },
      { files: [tests], rules: rulesFor(name, depth, { isTest: true }) },
    ];
  }),
);

/** The composition root wires the modules through their public faces and module.ts files. */
const rootRules = {
  files: ['src/*.{ts,tsx}'],
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ regex: `^\\./${anyOf(modules)}/(?!(public|module)\\.ts$)`, message: 'The composition root uses a module through its public face (public.ts) or its module.ts.' }] }],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'migrations/', 'coverage/', 'static/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
  rootRules,
);

/**
 * The arrows of the code (README › Layout, docs/adr/0009-dependency-rules.md), checked by
 * `npm run check:deps`:
 *
 *   graphql/  events/  clients/  db/      adapters: translate between the outside and the app
 *                  app/                   use cases and the ports they define
 *                 domain/                 pure rules
 *
 * service.ts and main.ts are the composition root, the only modules that know every adapter.
 * Tools (scripts/, bench/, gateway/, stubs/) use public entry points, never test code.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import one another in a circle: break it by moving the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain holds pure rules: it imports nothing outside itself but Node built-ins.',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'app-depends-on-domain-and-its-ports',
      severity: 'error',
      comment: 'src/app depends on the domain and on ports it defines, not on adapters or the composition root.',
      from: { path: '^src/app/' },
      to: { path: '^src/(db|events|clients|graphql|observability)/|^src/(service|main)\\.ts$' },
    },
    {
      name: 'app-free-of-frameworks',
      severity: 'error',
      comment: 'The application layer knows no ORM, GraphQL or Kafka client.',
      from: { path: '^src/app/' },
      to: { dependencyTypes: ['npm'], path: '(^|/)node_modules/(@prisma|prisma|graphql|@apollo|kafkajs|pg)(/|$)' },
    },
    {
      name: 'adapters-not-to-composition-root',
      severity: 'error',
      comment: 'Only main.ts wires the service together; adapters never import it.',
      from: { path: '^src/', pathNot: '^src/(service|main)\\.ts$' },
      to: { path: '^src/(service|main)\\.ts$' },
    },
    {
      name: 'db-below-other-adapters',
      severity: 'error',
      comment: 'src/db is the persistence adapter: it does not reach into GraphQL, events or clients.',
      from: { path: '^src/db/' },
      to: { path: '^src/(graphql|events|clients)/' },
    },
    {
      name: 'production-code-not-to-tests',
      severity: 'error',
      comment: 'Service code and tools (scripts, bench, gateway, stubs) never import test code.',
      from: { path: '^(src|scripts|bench|gateway|stubs)/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)__generated__/|^dist/' },
    // TypeScript 7 has no JavaScript API yet; swc parses our .ts for dependency-cruiser.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};

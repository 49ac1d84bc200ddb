/**
 * The arrows of the code (README › Layout, docs/adr/0009-dependency-rules.md), checked by
 * `npm run check:deps`:
 *
 *   graphql/  events/  clients/  db/      adapters: translate between the outside and the app
 *                  app/                   use cases and the ports they define
 *                 domain/                 pure rules
 *
 * service.ts and main.ts are the composition root (with the pieces in src/composition), the only
 * modules that know every adapter. Tools (scripts/, bench/, gateway/, stubs/, tools/) use public
 * entry points, never test code.
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
      to: { path: '^src/(db|events|clients|graphql|observability|composition)/|^src/(service|main|config)\\.ts$' },
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
      comment: 'Only main.ts wires the service together; adapters never import it or its pieces.',
      from: { path: '^src/', pathNot: '^src/(service|main)\\.ts$|^src/composition/' },
      to: { path: '^src/(service|main)\\.ts$|^src/composition/' },
    },
    {
      name: 'db-below-other-adapters',
      severity: 'error',
      comment: 'src/db is the persistence adapter: it does not reach into GraphQL, events or clients.',
      from: { path: '^src/db/' },
      to: { path: '^src/(graphql|events|clients)/' },
    },
    {
      name: 'adapters-side-by-side',
      severity: 'error',
      comment:
        'The adapters do not reach into one another (db may not either, above): clients and events know no GraphQL, ' +
        'GraphQL knows no Kafka or HTTP clients, clients know no database. So no cycle between folders can form.',
      from: { path: '^src/(clients|events|graphql)/' },
      to: { path: '^src/(clients|events|graphql)/', pathNot: '^src/$1/' },
    },
    {
      name: 'observability-is-a-leaf',
      severity: 'error',
      comment: 'Logging, metrics and tracing are used by every layer, so they import none of them.',
      from: { path: '^src/observability/' },
      to: { path: '^src/(app|domain|db|events|clients|graphql|composition)/|^src/(service|main)\\.ts$' },
    },
    {
      name: 'production-code-not-to-tests',
      severity: 'error',
      comment: 'Service code and tools (scripts, bench, gateway, stubs, tools) never import test code.',
      from: { path: '^(src|scripts|bench|gateway|stubs|tools)/' },
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
    // Generated code is a dependency like any other (src/app must not reach the Prisma client), but
    // its own imports are not ours to check.
    doNotFollow: { path: ['node_modules', '(^|/)__generated__/'] },
    exclude: { path: '^dist/' },
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

/**
 * The import direction of the service (README "Layers"), checked by dependency-cruiser:
 * `npm run lint` runs it and test/unit/layers.test.ts asserts it finds no violation.
 *
 *   functions → http (inbound) → rates / history / convert (domain) → providers → outbound → core
 *   auth, quota, db: adapters used by http and the domain; config.ts: core only.
 *
 * Paths are relative to the service root. `ours` is every folder of ours a module can reach.
 */
const ours = '^(lib|functions|scripts|test)/';

/**
 * The only modules that may import a provider: the services' wiring, which hands the
 * provider registry to the rates / history services. Everything else gets rates from a service.
 */
const providerWiring = ['^lib/rates/[^/]*wiring[^/]*\\.ts$', '^lib/history/[^/]*wiring[^/]*\\.ts$'];

module.exports = {
  forbidden: [
    {
      name: 'no-module-cycles',
      comment: 'A module never reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other one way only (e.g. never http → auth and auth → http).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(lib|functions|scripts)/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-of-ours',
      comment: 'lib/core is the ground floor: types, errors, Plan, Mexico City time, calendar, plausibility.',
      severity: 'error',
      from: { path: '^lib/core/' },
      to: { path: ours, pathNot: '^lib/core/' },
    },
    {
      name: 'config-imports-only-core',
      comment: 'lib/config.ts reads the environment; it knows the ground floor and nothing else.',
      severity: 'error',
      from: { path: '^lib/config\\.ts$' },
      to: { path: ours, pathNot: '^lib/core/' },
    },
    {
      name: 'outbound-imports-only-core',
      comment: 'The upstream HTTP client is infrastructure under the providers.',
      severity: 'error',
      from: { path: '^lib/outbound/' },
      to: { path: ours, pathNot: '^lib/(core|outbound)/' },
    },
    {
      name: 'providers-import-core-and-outbound',
      comment: 'A provider is fetch + parse: the ground floor and the outbound client, nothing above.',
      severity: 'error',
      from: { path: '^lib/providers/' },
      to: { path: ours, pathNot: '^lib/(core|outbound|providers)/' },
    },
    {
      name: 'providers-only-through-the-wiring',
      comment:
        'Inside the service nothing imports a provider but the services’ wiring; the tools in scripts/ ' +
        '(contract:live, bench, replay) call providers directly on purpose.',
      severity: 'error',
      from: { path: '^(lib|functions)/', pathNot: ['^lib/providers/', ...providerWiring] },
      to: { path: '^lib/providers/' },
    },
    {
      name: 'adapters-below-http-and-domain',
      comment: 'auth, quota and db are adapters: they never import the inbound HTTP layer or the domain.',
      severity: 'error',
      from: { path: '^lib/(auth|quota|db)/' },
      to: { path: '^lib/(http|rates|history|convert|providers|web)/|^lib/(health|secrets)\\.ts$' },
    },
    {
      name: 'domain-below-http',
      comment:
        'HTTP (middy stack, problem+json, request parsing, the gate, response shaping) is above the domain.',
      severity: 'error',
      from: {
        path: '^lib/(core|outbound|providers|rates|history|convert|auth|quota|db)/|^lib/(config|log|health)\\.ts$',
      },
      to: { path: '^lib/http/' },
    },
    {
      name: 'functions-are-the-top',
      comment: 'functions/ holds one thin file per Lambda; nothing imports one.',
      severity: 'error',
      from: { path: ours },
      to: { path: '^functions/' },
    },
    {
      name: 'lib-never-imports-scripts-or-test',
      comment: 'The deployed code stands alone: tools and tests import it, never the reverse.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(scripts|test)/' },
    },
    {
      name: 'scripts-never-import-test',
      comment: 'Tests may import the tools in scripts/; the tools never import tests.',
      severity: 'error',
      from: { path: '^scripts/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'An import the cruiser cannot resolve is a check that silently passes.',
      severity: 'error',
      from: {},
      // aws-lambda is a types-only package (@types/aws-lambda): nothing to resolve at run time.
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    tsPreCompilationDeps: true,

    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

/**
 * `npm run stubs`: the four stub services on their default ports (env STUB_<NAME>_PORT overrides)
 * and the guest-profiles and trip-catalog stub subgraphs (STUB_<NAME>_SUBGRAPH_PORT).
 */
import { DEFAULT_PORTS, STUB_NAMES, type StubName, startStubs } from './index.js';
import { DEFAULT_SUBGRAPH_PORTS, STUB_SUBGRAPHS, type StubSubgraphName, startStubSubgraphs } from './subgraphs/index.js';

const envName = (name: string, suffix = 'PORT') => `STUB_${name.toUpperCase().replace('-', '_')}_${suffix}`;
const host = process.env.STUB_HOST ?? '127.0.0.1';
const ports = Object.fromEntries(STUB_NAMES.map((name) => [name, Number(process.env[envName(name)] ?? DEFAULT_PORTS[name])]));
const subgraphPorts = Object.fromEntries(
  STUB_SUBGRAPHS.map((name) => [name, Number(process.env[envName(name, 'SUBGRAPH_PORT')] ?? DEFAULT_SUBGRAPH_PORTS[name])]),
);
const stubs = await startStubs(ports as Record<StubName, number>, host);
const subgraphs = await startStubSubgraphs(subgraphPorts as Record<StubSubgraphName, number>, host);
for (const name of STUB_NAMES) console.log(`${name.padEnd(24)} ${stubs.urls[name]}`);
for (const name of STUB_SUBGRAPHS) console.log(`${`${name} subgraph`.padEnd(24)} ${subgraphs.urls[name]}`);
const stop = () => void Promise.all([stubs.stop(), subgraphs.stop()]).then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** `npm run stubs`: the four stub services on their default ports (env STUB_<NAME>_PORT overrides). */
import { DEFAULT_PORTS, STUB_NAMES, type StubName, startStubs } from './index.js';

const envName = (name: StubName) => `STUB_${name.toUpperCase().replace('-', '_')}_PORT`;
const ports = Object.fromEntries(STUB_NAMES.map((name) => [name, Number(process.env[envName(name)] ?? DEFAULT_PORTS[name])]));
const stubs = await startStubs(ports);
for (const name of STUB_NAMES) console.log(`${name.padEnd(15)} ${stubs.urls[name]}`);
const stop = () => void stubs.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

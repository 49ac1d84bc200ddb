import { startStubs } from '../../stubs/index.js';
import { announceReady, answer, onStop } from './child.js';

/** The four stand-ins (guest profiles, trip catalog, payments, notifications) in their own process. */

const stubs = await startStubs({ 'guest-profiles': 0, 'trip-catalog': 0, payments: 0, notifications: 0 });
// Calls are recorded for tests; over a benchmark they would only grow.
const clear = setInterval(() => stubs.clearCalls(), 1_000);
answer('urls', () => stubs.urls);
announceReady({ port: Number(new URL(stubs.urls['guest-profiles']).port) });
onStop(async () => {
  clearInterval(clear);
  await stubs.stop();
});

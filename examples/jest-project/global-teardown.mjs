/** Runs once after the whole suite: stops every service, dependents first. */
export default async function globalTeardown() {
  await globalThis.__PILOT__?.stop();
}

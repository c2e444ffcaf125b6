import { buildPage } from '../scripts/build.js';

/** Bundles the page once, so the servers the tests start serve the current client code. */
export default async function setup(): Promise<void> {
  await buildPage();
}

/**
 * `npm test`'s set-up (its pretest): the system packages the tests need,
 * then the native addon under the Node that runs the tests. Stops the run
 * with one clear message rather than a wall of failed tests. An argument
 * names another package list (the tests of this set-up use one).
 */
import { nativeAddonProblem } from './native-addon.ts';
import { ensureSystemPackages } from './system-packages.ts';

if (!ensureSystemPackages(process.argv[2])) process.exit(1);
const problem = nativeAddonProblem();
if (problem !== null) {
  console.error(problem);
  process.exit(1);
}

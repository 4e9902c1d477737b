#!/usr/bin/env node
// The Node versions the project claims (package.json `engines`) must be ones every locked
// package accepts: a pinned dependency that declares `node >= 22` would make the claim false
// on the Node 20 machines we support. Run by .ci/run after `npm ci`.
const semver = require('semver');
const pkg = require('../package.json');
const lock = require('../package-lock.json');

const floor = semver.minVersion(pkg.engines.node).version;
const refusing = Object.entries(lock.packages)
  .filter(([path, entry]) => path && entry.engines?.node && !entry.optional)
  .filter(([, entry]) => !semver.satisfies(floor, entry.engines.node))
  .map(
    ([path, entry]) =>
      `${path.replace(/^node_modules\//, '')}@${entry.version} wants node ${entry.engines.node}`,
  );

if (refusing.length) {
  console.error(
    `engines.node says ${pkg.engines.node}, but these locked packages refuse Node ${floor}:`,
  );
  for (const line of refusing) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`every locked package accepts Node ${floor} (engines.node ${pkg.engines.node})`);

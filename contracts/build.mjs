// Compiles contracts/src with the pinned solcjs, offline, into contracts/artifacts/.
//
//   node contracts/build.mjs           write artifacts/<Name>.json and artifacts/standard-input.json
//   node contracts/build.mjs --check   compile in memory; exit 1 naming every artifact that differs
//
// The artifacts are committed: the API embeds them, and a block explorer verifies a deployment from
// standard-input.json. The bytecode is compiled from that very file (every source embedded), so what
// the explorer recompiles is exactly what was deployed.
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const srcDir = join(here, 'src');
const artifactsDir = join(here, 'artifacts');
const nodeModules = join(here, 'node_modules');

const SOLC_VERSION = '0.8.37';
const CONTRACTS = ['XyloRewards', 'XyloVault', 'TestToken'];
const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  // ipfs: the metadata hash at the end of the bytecode lets an explorer report an exact match
  metadata: { bytecodeHash: 'ipfs' },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

function fail(message) {
  console.error(`contracts: ${message}`);
  process.exit(1);
}

if (!existsSync(join(nodeModules, 'solc'))) {
  fail(`node_modules missing in ${here}: run \`npm ci\` there (./xylo does it for you)`);
}
const solc = require('solc');
if (!solc.version().startsWith(`${SOLC_VERSION}+`)) {
  fail(`solc ${solc.version()} installed, ${SOLC_VERSION} expected: run \`npm ci\` in ${here}`);
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.sol') ? [join(dir, e.name)] : []))
    .sort();
}

// Source unit names: "src/..." for ours, the import path ("@openzeppelin/...") for libraries.
function ownSources() {
  const sources = {};
  for (const file of sourceFiles(srcDir)) {
    sources[relative(here, file).split(sep).join('/')] = { content: readFileSync(file, 'utf8') };
  }
  return sources;
}

function compile(input, findImports) {
  const output = JSON.parse(solc.compile(JSON.stringify(input), findImports ? { import: findImports } : undefined));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  for (const e of output.errors ?? []) console.error(e.formattedMessage.trimEnd());
  if (errors.length > 0) fail(`${errors.length} compiler error(s)`);
  return output;
}

function sorted(object) {
  return Object.fromEntries(Object.keys(object).sort().map((k) => [k, object[k]]));
}

function build() {
  // Pass 1 resolves imports from node_modules and records every library file used.
  const imported = {};
  const findImports = (path) => {
    const file = join(nodeModules, path);
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) return { error: `not found: ${path}` };
    imported[path] = { content: readFileSync(file, 'utf8') };
    return { contents: imported[path].content };
  };
  const own = ownSources();
  compile({ language: 'Solidity', sources: own, settings: SETTINGS }, findImports);

  // Pass 2 compiles the self-contained input that gets published for verification.
  const input = { language: 'Solidity', sources: sorted({ ...own, ...imported }), settings: SETTINGS };
  const output = compile(input);

  const files = { 'standard-input.json': input };
  for (const name of CONTRACTS) {
    const sourceName = Object.keys(output.contracts).find((s) => output.contracts[s][name] && s.startsWith('src/'));
    if (!sourceName) fail(`contract ${name} not found in contracts/src`);
    const c = output.contracts[sourceName][name];
    files[`${name}.json`] = {
      contractName: name,
      sourceName,
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      compiler: {
        version: solc.version(),
        evmVersion: SETTINGS.evmVersion,
        optimizer: SETTINGS.optimizer,
      },
    };
  }
  return Object.fromEntries(Object.entries(files).map(([f, v]) => [f, `${JSON.stringify(v, null, 2)}\n`]));
}

const check = process.argv.includes('--check');
const files = build();
if (check) {
  const differing = Object.keys(files).filter((f) => {
    const path = join(artifactsDir, f);
    return !existsSync(path) || readFileSync(path, 'utf8') !== files[f];
  });
  const stray = existsSync(artifactsDir) ? readdirSync(artifactsDir).filter((f) => f.endsWith('.json') && !(f in files)) : [];
  if (differing.length > 0 || stray.length > 0) {
    for (const f of differing) console.error(`contracts: artifacts/${f} differs from what contracts/src compiles to`);
    for (const f of stray) console.error(`contracts: artifacts/${f} is not produced by contracts/src`);
    fail('artifacts are stale: run `node contracts/build.mjs` and commit contracts/artifacts');
  }
  console.log(`contracts: ${Object.keys(files).length} artifacts match contracts/src (solc ${solc.version()})`);
} else {
  mkdirSync(artifactsDir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(artifactsDir, f), text);
  console.log(`contracts: wrote ${Object.keys(files).map((f) => `artifacts/${f}`).join(', ')} (solc ${solc.version()})`);
}

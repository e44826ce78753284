// Verifies the deployed contracts on the block explorer through its API (Etherscan API v2: one endpoint for
// Polygon mainnet and Amoy, selected by chain id), from the deployment file `contracts deploy` wrote and the
// committed compiler input (artifacts/standard-input.json). No dependencies beyond Node 20.
//
//   EXPLORER_API_KEY=... node contracts/verify.mjs contracts.amoy.json [--dry-run]
//
// Exit code 0 when both contracts are verified (or already were), 1 otherwise, naming the contract.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const file = args.find(a => !a.startsWith("--"));
const fail = message => { console.error(`verify: ${message}`); process.exit(1); };
if (!file) fail("usage: node contracts/verify.mjs <deployment file> [--dry-run]");

const chain = JSON.parse(readFileSync(file, "utf8")).Chain ?? fail(`${file} has no Chain section`);
const input = readFileSync(join(here, "artifacts", "standard-input.json"), "utf8");
const api = process.env.EXPLORER_API_URL ?? "https://api.etherscan.io/v2/api";
const key = process.env.EXPLORER_API_KEY;
if (!key && !dryRun) fail("EXPLORER_API_KEY is not set");

const contracts = [
  { name: "src/XyloRewards.sol:XyloRewards", address: chain.RewardsContract, args: chain.RewardsConstructorArguments },
  { name: "src/XyloVault.sol:XyloVault", address: chain.VaultContract, args: chain.VaultConstructorArguments },
];

async function call(params, method = "POST") {
  const url = `${api}?chainid=${chain.ChainId}`;
  const body = new URLSearchParams({ apikey: key ?? "", ...params });
  const response = method === "POST"
    ? await fetch(url, { method, body })
    : await fetch(`${url}&${body}`);
  if (!response.ok) throw new Error(`HTTP ${response.status} from the explorer API`);
  return response.json();
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
let failed = [];
for (const contract of contracts) {
  if (!contract.address) { failed.push(`${contract.name}: no address in ${file}`); continue; }
  const params = {
    module: "contract", action: "verifysourcecode", codeformat: "solidity-standard-json-input",
    sourceCode: input, contractaddress: contract.address, contractname: contract.name,
    compilerversion: `v${chain.Compiler.replace(/\.Emscripten\.clang$/, "")}`, constructorArguements: contract.args ?? "",
  };
  if (dryRun) { console.log(`verify: would verify ${contract.name} at ${contract.address} on chain ${chain.ChainId} (${params.compilerversion})`); continue; }
  console.log(`verify: submitting ${contract.name} at ${contract.address} (chain ${chain.ChainId})`);
  const submitted = await call(params);
  if (submitted.status !== "1") {
    if (/already verified/i.test(submitted.result)) { console.log(`verify: ${contract.name} already verified`); continue; }
    failed.push(`${contract.name}: ${submitted.result}`); continue;
  }
  let verdict;
  for (let attempt = 0; attempt < 30; attempt++) {
    await sleep(5000);
    verdict = await call({ module: "contract", action: "checkverifystatus", guid: submitted.result }, "GET");
    if (!/pending/i.test(verdict.result)) break;
  }
  if (verdict.status === "1" || /already verified/i.test(verdict.result)) console.log(`verify: ${contract.name} verified`);
  else failed.push(`${contract.name}: ${verdict.result}`);
}
if (failed.length > 0) fail(`not verified: ${failed.join("; ")}`);

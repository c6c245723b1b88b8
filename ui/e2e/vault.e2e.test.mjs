/**
 * End-to-end: the built UI (ui/dist) in headless Chromium, against a hardhat node with the deployed vault, an injected
 * EIP-1193 test wallet, and the keeper acting from the test through ethers. Saves screenshots of the main screens to
 * out/screenshots/ (git-ignored); with UPDATE_SCREENSHOTS=1 to docs/screenshots/, where the README's dashboard
 * picture lives — so a plain test run never dirties the work tree.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { AbiCoder, Contract, JsonRpcProvider, parseUnits } from "ethers";
import { ROOT, deploy, launchBrowser, serveUi, startNode, testWallet } from "./harness.mjs";

const SHOTS = path.join(ROOT, process.env.UPDATE_SCREENSHOTS ? "docs/screenshots" : "out/screenshots");
const VAULT_ABI = [
  "function rebalance((address adapter,address tokenIn,address tokenOut,uint256 amountIn,uint256 minAmountOut,bytes data)[] trades, bytes32 planId, uint256 deadline)",
  "function tryPriceWad(address) view returns (bool ok, uint256 priceWad)",
  "function balanceOf(address) view returns (uint256)",
];
const ERC20_ABI = [
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address,address) view returns (uint256)",
  "function deposit() payable",
  "function transfer(address,uint256) returns (bool)",
];
/** AaveV3LendingModule action data: abi.encode(uint8 op, address token, uint256 amount). */
const AAVE_OP = { SUPPLY: 1, BORROW: 3 };
const aaveAction = (op, token, amount) =>
  AbiCoder.defaultAbiCoder().encode(["uint8", "address", "uint256"], [op, token, amount]);

let node, server, browser, page, deployment, chain;

/** Polls until the locator's text matches `re`; fails with the last text seen. */
async function waitForText(locator, re, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last = "";
  while (Date.now() < end) {
    last = (await locator.textContent({ timeout: 1_000 }).catch(() => "")) ?? "";
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${re} — last text: "${last}"`);
}

async function shot(name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

describe("vault web UI in Chromium", { timeout: 240_000 }, () => {
  before(async () => {
    node = await startNode();
    deployment = deploy(node.url);
    chain = new JsonRpcProvider(node.url, deployment.chainId, { staticNetwork: true });
    server = await serveUi(deployment);
    browser = await launchBrowser();
    // Starts on the wrong chain (1) to show the network prompt; switching clears it.
    await browser.context.addInitScript(testWallet, {
      rpcUrl: node.url,
      account: deployment.e2e.depositor,
      chainOverride: 1,
    });
    page = await browser.context.newPage();
    page.on("pageerror", (e) => console.error("[page error]", e.message));
    await page.goto(server.url);
    await page.getByTestId("dashboard").waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    chain?.destroy();
    await node?.stop();
  });

  it("connects the wallet and prompts to switch from the wrong network", async () => {
    await page.getByRole("button", { name: "Connect wallet" }).click();
    const banner = page.getByTestId("wrong-network");
    await waitForText(banner, /Wrong network.*chain 1;.*chain 31337/);
    await shot("wrong-network.png");
    await banner.getByRole("button", { name: /Switch to chain 31337/ }).click();
    await banner.waitFor({ state: "detached" });
    await waitForText(page.getByTestId("account"), /Connected/);
  });

  it("deposits with approve + deposit, after a preview of the shares", async () => {
    await page.getByLabel("Amount to deposit (USDC)").fill("250,000");
    await waitForText(page.getByTestId("deposit-preview"), /You receive about [\d,.]+ bUSDC/);
    await page.getByRole("button", { name: "Approve and deposit" }).click();
    await waitForText(page.locator("#deposit-status"), /Deposited 250,000 USDC for [\d,.]+ bUSDC/);
    await waitForText(page.getByTestId("position"), /worth 250,000 USDC/);
    await waitForText(page.getByTestId("nav"), /^250,000 USDC$/);
    const sent = await page.evaluate(() => window.__walletSent.length);
    assert.equal(sent, 2, "one approve and one deposit went through the wallet");
    await shot("deposit.png");
  });

  it("shows the decoded DepositCapExceeded error for a deposit over the cap", async () => {
    const before = await page.evaluate(() => window.__walletSent.length);
    await page.getByLabel("Amount to deposit (USDC)").fill("20000000");
    await page.locator("form[aria-labelledby=deposit-title] button[type=submit]").click();
    const status = page.locator("#deposit-status");
    const text = await waitForText(status, /Deposit cap reached/);
    assert.match(
      text,
      /Deposit cap reached: 10,000,000 USDC\. Only 9,750,000 USDC more fits; you asked to deposit 20,000,000 USDC\./,
    );
    assert.equal(await status.getAttribute("role"), "alert");
    assert.equal(await status.getAttribute("data-error-name"), "DepositCapExceeded");
    assert.equal(await page.evaluate(() => window.__walletSent.length), before, "nothing was sent");
    await shot("deposit-cap-error.png");
    await page.getByLabel("Amount to deposit (USDC)").fill("");
  });

  it("updates the dashboard after a keeper rebalance", async () => {
    await page.getByTestId("no-rebalances").waitFor();
    const keeper = await chain.getSigner(deployment.e2e.keeper);
    const vault = new Contract(deployment.contracts.vault, VAULT_ABI, keeper);
    const c = deployment.contracts;
    const [, usdcPx] = await vault.tryPriceWad(c.usdc);
    const [, wethPx] = await vault.tryPriceWad(c.weth);
    const [, wbtcPx] = await vault.tryPriceWad(c.wbtc);
    // The oracle-implied output less 0.5 % (the vault's cap is 1 %): the pools sit at the oracle prices.
    const minOut = (amountIn, pxIn, decIn, pxOut, decOut) =>
      (((amountIn * pxIn * 10n ** BigInt(decOut)) / (pxOut * 10n ** BigInt(decIn))) * 995n) / 1000n;
    const toWeth = parseUnits("60000", 6);
    const toWbtc = parseUnits("40000", 6);
    const trades = [
      {
        adapter: c.adapter,
        tokenIn: c.usdc,
        tokenOut: c.weth,
        amountIn: toWeth,
        minAmountOut: minOut(toWeth, usdcPx, 6, wethPx, 18),
        data: deployment.e2e.paths.usdcToWeth,
      },
      {
        adapter: c.adapter,
        tokenIn: c.usdc,
        tokenOut: c.wbtc,
        amountIn: toWbtc,
        minAmountOut: minOut(toWbtc, usdcPx, 6, wbtcPx, 8),
        data: deployment.e2e.paths.usdcToWbtc,
      },
    ];
    const block = await chain.getBlock("latest");
    const tx = await vault.rebalance(trades, "0x" + "e2".repeat(32), BigInt(block.timestamp) + 600n);
    await tx.wait();

    await page.getByTestId("rebalance").first().waitFor({ timeout: 30_000 });
    const row = await waitForText(page.getByTestId("rebalance").first(), /turnover 40\.00 %/);
    assert.match(row, /60,000 USDC → [\d.]+ WETH/);
    assert.match(row, /40,000 USDC → [\d.]+ WBTC/);
    await waitForText(page.getByTestId("weight-WETH"), /^WETH.*2[34]\.\d\d %/);
    await waitForText(page.getByTestId("budget-turnover"), /40\.00 % of 150 %/);
    await shot("dashboard.png");
  });

  it("withdraws with a preview of the shares burned", async () => {
    await page.getByLabel("Amount to withdraw (USDC)").fill("1000");
    await waitForText(page.getByTestId("withdraw-preview"), /Burns about [\d,.]+ bUSDC; you receive 1,000 USDC/);
    await page.getByRole("button", { name: "Withdraw", exact: true }).click();
    await waitForText(page.locator("#withdraw-status"), /Withdrew 1,000 USDC/);
    await shot("withdraw.png");
  });

  it("explains a withdrawal above idle liquidity and exits in kind", async () => {
    await page.getByLabel("Amount to withdraw (USDC)").fill("200000");
    await waitForText(page.getByRole("note"), /Only [\d,.]+ USDC is idle/);
    await page.getByRole("button", { name: "Withdraw", exact: true }).click();
    await waitForText(
      page.locator("#withdraw-status"),
      /Not enough idle USDC in the vault: 200,000 USDC asked, [\d,.]+ USDC available/,
    );
    await page.getByLabel("Shares to redeem (bUSDC)").fill("");
    await page.locator("form.inkind").getByRole("button", { name: "Max" }).click();
    await page.getByRole("button", { name: "Exit in kind" }).click();
    await waitForText(page.locator("#inkind-status"), /Redeemed [\d,.]+ bUSDC in kind/);
    const weth = new Contract(deployment.contracts.weth, VAULT_ABI, chain);
    assert.ok((await weth.balanceOf(deployment.e2e.depositor)) > 0n, "the depositor received WETH in kind");
    await waitForText(page.getByTestId("position"), /You hold 0 bUSDC/);
  });

  it("shows the Aave module after a keeper supply-borrow-sell, and exits in kind repaying the debt slice", async () => {
    const c = deployment.contracts;
    const lending = deployment.e2e.modules.lending;
    const depositor = deployment.e2e.depositor;
    const usdc = new Contract(c.usdc, ERC20_ABI, chain);
    const weth = new Contract(c.weth, ERC20_ABI, chain);

    // The previous test redeemed every share: a fresh deposit gives the vault a NAV and the depositor shares.
    await page.getByLabel("Amount to deposit (USDC)").fill("100,000");
    await waitForText(page.getByTestId("deposit-preview"), /You receive about [\d,.]+ bUSDC/);
    await page.locator("form[aria-labelledby=deposit-title] button[type=submit]").click();
    await waitForText(page.locator("#deposit-status"), /Deposited 100,000 USDC for [\d,.]+ bUSDC/);
    await waitForText(page.getByTestId("position"), /worth (99,9\d\d(\.\d+)?|100,0\d\d(\.\d+)?) USDC/);

    // The vault's cooldown (1 h) since the previous rebalance: move the clock (the feeds allow 24 h of staleness).
    await chain.send("evm_increaseTime", [3_601]);
    await chain.send("evm_mine", []);

    // Keeper: supply 20,000 USDC to Aave, borrow 2 WETH, sell them for USDC (a short-WETH hedge, HF ≈ 2.6).
    const keeper = await chain.getSigner(deployment.e2e.keeper);
    const vault = new Contract(c.vault, VAULT_ABI, keeper);
    const [, usdcPx] = await vault.tryPriceWad(c.usdc);
    const [, wethPx] = await vault.tryPriceWad(c.weth);
    const supply = parseUnits("20000", 6);
    const borrow = parseUnits("2", 18);
    const steps = [
      {
        adapter: lending,
        tokenIn: c.usdc,
        tokenOut: c.usdc,
        amountIn: supply,
        minAmountOut: 0n,
        data: aaveAction(AAVE_OP.SUPPLY, c.usdc, 0n),
      },
      {
        adapter: lending,
        tokenIn: c.weth,
        tokenOut: c.weth,
        amountIn: 0n,
        minAmountOut: borrow,
        data: aaveAction(AAVE_OP.BORROW, c.weth, borrow),
      },
      {
        adapter: c.adapter,
        tokenIn: c.weth,
        tokenOut: c.usdc,
        amountIn: borrow,
        // The oracle-implied output less 0.5 % (the vault's cap is 1 %).
        minAmountOut: (((borrow * wethPx * 10n ** 6n) / (usdcPx * 10n ** 18n)) * 995n) / 1000n,
        data: deployment.e2e.paths.wethToUsdc,
      },
    ];
    const block = await chain.getBlock("latest");
    await (await vault.rebalance(steps, "0x" + "a7".repeat(32), BigInt(block.timestamp) + 600n)).wait();

    // The dashboard: the Aave module with its collateral, debt and health factor; the LP module (empty).
    const aave = page.getByTestId("module-aave-v3");
    await waitForText(aave.getByTestId("module-debt"), /^2(\.0+\d*)? WETH \(\$6,000\.\d\d\)$/);
    assert.match(await aave.getByTestId("module-collateral").textContent(), /^20,000(\.\d+)? USDC \(\$20,000\.\d\d\)$/);
    const hfText = await aave.getByTestId("module-health-factor").textContent();
    const hf = Number(/^(\d+\.\d\d) · min 1\.50$/.exec(hfText)?.[1]);
    assert.ok(hf > 1.5 && hf < 5, `health factor ${hfText}`);
    assert.match(
      await page.getByTestId("module-uniswap-v3").getByTestId("module-gamma").textContent(),
      /^0\.00 % of NAV · cap 5\.00 %/,
    );
    await waitForText(page.getByTestId("budget-net-delta"), /short [56]\.\d\d % of 80 %/);
    await waitForText(page.getByTestId("budget-gross-leverage"), /10[5-7]\.\d\d % of 200 %/);
    await shot("modules.png");

    // Without WETH to repay its slice the form says so and sends nothing: the depositor parks the WETH it received
    // in kind earlier elsewhere, tries, then wraps 3 ETH (WETH9 cannot be minted).
    const depositorSigner = await chain.getSigner(depositor);
    const depositorWeth = new Contract(c.weth, ERC20_ABI, depositorSigner);
    await (await depositorWeth.transfer(deployment.e2e.guardian, await weth.balanceOf(depositor))).wait();
    const sentBeforeShort = await page.evaluate(() => window.__walletSent.length);
    await page.getByLabel("Shares to redeem (bUSDC)").fill("");
    await page.locator("form.inkind").getByRole("button", { name: "Max" }).click();
    await page.getByRole("button", { name: "Exit in kind" }).click();
    const short = page.locator("#inkind-status");
    await waitForText(
      short,
      /^Failed\. The vault owes 2(\.0+\d*)? WETH on Aave; your slice is 1\.99999\d WETH and you hold 0 WETH: get WETH or use Withdraw\.$/,
    );
    assert.equal(await short.getAttribute("role"), "alert");
    assert.equal(await page.evaluate(() => window.__walletSent.length), sentBeforeShort, "nothing was sent");
    await (await depositorWeth.deposit({ value: parseUnits("3", 18) })).wait();
    const [wethBefore, usdcBefore] = [await weth.balanceOf(depositor), await usdc.balanceOf(depositor)];
    assert.ok(wethBefore > parseUnits("2.01", 18), "the depositor can repay its slice of 2 WETH");
    const sentBefore = await page.evaluate(() => window.__walletSent.length);

    await page.getByLabel("Shares to redeem (bUSDC)").fill("");
    await page.locator("form.inkind").getByRole("button", { name: "Max" }).click();
    // Every share but the vault's virtual ones: a hair under the whole 2 WETH debt.
    await waitForText(
      page.getByTestId("inkind-repay"),
      /^You repay about 1\.99999\d WETH \(approved to the lending module\)$/,
    );
    await page.getByRole("button", { name: "Exit in kind" }).click();
    await waitForText(
      page.locator("#inkind-status"),
      /Redeemed [\d,.]+ bUSDC in kind\. Repaid 1\.99999\d WETH of the vault's debt\./,
    );

    // Two transactions through the wallet: approve(lending module) on WETH, then redeemInKind on the vault.
    const sent = await page.evaluate((n) => window.__walletSent.slice(n), sentBefore);
    assert.equal(sent.length, 2, "one approval and one exit");
    assert.equal(sent[0].to.toLowerCase(), c.weth.toLowerCase());
    assert.ok(sent[0].data.startsWith("0x095ea7b3"), "approve(address,uint256)");
    assert.ok(sent[0].data.toLowerCase().includes(lending.slice(2).toLowerCase()), "approves the lending module");
    assert.equal(sent[1].to.toLowerCase(), c.vault.toLowerCase());

    // WETH: the slice of the debt left (≈ 2 WETH, interest included); the approval's 0.1 % margin stays unspent.
    const wethPaid = wethBefore - (await weth.balanceOf(depositor));
    assert.ok(wethPaid > parseUnits("1.999", 18) && wethPaid < parseUnits("2.0001", 18), `paid ${wethPaid} wei WETH`);
    const left = await weth.allowance(depositor, lending);
    assert.ok(left > 0n && left < parseUnits("0.003", 18), `allowance left ${left}`);
    // USDC: the idle ~86,000 (incl. the sale's ~6,000) and the 20,000 collateral withdrawn from Aave.
    const usdcGot = (await usdc.balanceOf(depositor)) - usdcBefore;
    assert.ok(usdcGot > parseUnits("105500", 6) && usdcGot < parseUnits("106100", 6), `received ${usdcGot} USDC units`);
    await waitForText(page.getByTestId("position"), /You hold 0 bUSDC/);
  });
});

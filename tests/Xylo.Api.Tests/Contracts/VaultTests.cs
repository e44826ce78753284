using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Shouldly;
using Xylo.Api.Chain.Contracts;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Contracts;

[Collection(ChainCollection.Name)]
public sealed class VaultTests(ChainFixture chain)
{
    private static readonly BigInteger Ether = BigInteger.Pow(10, 18);

    [Fact]
    public async Task Native_deposits_and_withdrawals_move_the_accounts_balance_and_emit_events()
    {
        const int account = 5;
        var web3 = chain.Web3For(account);
        var address = ChainFixture.AddressOf(account);
        var before = await VaultBalanceAsync(address, VaultTokens.Native);

        var deposit = await web3.SendAsync(chain.VaultAddress, new DepositFunction { AmountToSend = 2 * Ether });
        var deposited = deposit.EventsOf<DepositedEventDTO>(chain.VaultAddress).ShouldHaveSingleItem();
        (deposited.Account.ToLowerInvariant(), deposited.Token, deposited.Amount).ShouldBe((address.ToLowerInvariant(), VaultTokens.Native, 2 * Ether));
        (await VaultBalanceAsync(address, VaultTokens.Native)).ShouldBe(before + 2 * Ether);
        (await web3.Eth.GetBalance.SendRequestAsync(chain.VaultAddress)).Value.ShouldBeGreaterThanOrEqualTo(2 * Ether);

        var wallet = (await web3.Eth.GetBalance.SendRequestAsync(address)).Value;
        var withdrawal = await web3.SendAsync(chain.VaultAddress, new WithdrawFunction { Amount = Ether / 2 });
        var withdrawn = withdrawal.EventsOf<WithdrawnEventDTO>(chain.VaultAddress).ShouldHaveSingleItem();
        (withdrawn.Account.ToLowerInvariant(), withdrawn.Token, withdrawn.Amount).ShouldBe((address.ToLowerInvariant(), VaultTokens.Native, Ether / 2));
        (await VaultBalanceAsync(address, VaultTokens.Native)).ShouldBe(before + 2 * Ether - Ether / 2);
        var fee = withdrawal.GasUsed.Value * withdrawal.EffectiveGasPrice.Value;
        (await web3.Eth.GetBalance.SendRequestAsync(address)).Value.ShouldBe(wallet + Ether / 2 - fee, "the wallet got the ether, less the gas");
    }

    [Fact]
    public async Task Token_deposits_need_an_allowed_token_and_withdrawals_return_it()
    {
        const int account = 6;
        var web3 = chain.Web3For(account);
        var address = ChainFixture.AddressOf(account);
        var token = await chain.DeployTestTokenAsync();
        await web3.SendAsync(token, new TestTokenMintFunction { To = address, Amount = 1_000 });
        await web3.SendAsync(token, new ApproveFunction { Spender = chain.VaultAddress, Value = 1_000 });

        (await Reverts.WithAsync<TokenNotAllowedError>(() => Deposit(web3, token, 100))).Token.ShouldBe(token, StringCompareShould.IgnoreCase);

        var allowed = await chain.Admin.SendAsync(chain.VaultAddress, new SetTokenAllowedFunction { Token = token, Allowed = true });
        allowed.EventsOf<TokenAllowedEventDTO>(chain.VaultAddress).ShouldHaveSingleItem().Allowed.ShouldBeTrue();
        (await chain.Admin.QueryAsync<IsTokenAllowedFunction, bool>(chain.VaultAddress, new IsTokenAllowedFunction { Token = token })).ShouldBeTrue();

        var deposit = await Deposit(web3, token, 400);
        var deposited = deposit.EventsOf<DepositedEventDTO>(chain.VaultAddress).ShouldHaveSingleItem();
        (deposited.Account.ToLowerInvariant(), deposited.Token.ToLowerInvariant(), deposited.Amount).ShouldBe((address.ToLowerInvariant(), token.ToLowerInvariant(), 400));
        deposit.EventsOf<TokenTransferEventDTO>(token).ShouldHaveSingleItem().Value.ShouldBe(400);
        (await VaultBalanceAsync(address, token)).ShouldBe(400);
        (await TokenBalanceAsync(token, address)).ShouldBe(600);

        // delisting stops deposits, never withdrawals of what is already held
        await chain.Admin.SendAsync(chain.VaultAddress, new SetTokenAllowedFunction { Token = token, Allowed = false });
        await Reverts.WithAsync<TokenNotAllowedError>(() => Deposit(web3, token, 1));
        var withdrawal = await web3.SendAsync(chain.VaultAddress, new WithdrawTokenFunction { Token = token, Amount = 150 });
        withdrawal.EventsOf<WithdrawnEventDTO>(chain.VaultAddress).ShouldHaveSingleItem().Amount.ShouldBe(150);
        (await VaultBalanceAsync(address, token)).ShouldBe(250);
        (await TokenBalanceAsync(token, address)).ShouldBe(750);
        (await TokenBalanceAsync(token, chain.VaultAddress)).ShouldBe(250);
    }

    [Fact]
    public async Task Withdrawing_more_than_the_balance_reverts_with_the_amounts()
    {
        const int account = 7;
        var web3 = chain.Web3For(account);
        await web3.SendAsync(chain.VaultAddress, new DepositFunction { AmountToSend = 1_000 });
        var available = await VaultBalanceAsync(ChainFixture.AddressOf(account), VaultTokens.Native);

        var error = await Reverts.WithAsync<InsufficientBalanceError>(() =>
            web3.SendAsync(chain.VaultAddress, new WithdrawFunction { Amount = available + 1 }));

        error.Account.ShouldBe(ChainFixture.AddressOf(account), StringCompareShould.IgnoreCase);
        error.Token.ShouldBe(VaultTokens.Native);
        error.Requested.ShouldBe(available + 1);
        error.Available.ShouldBe(available);

        var other = await Reverts.WithAsync<InsufficientBalanceError>(() =>
            chain.Web3For(8).SendAsync(chain.VaultAddress, new WithdrawFunction { Amount = 1 }));
        (other.Requested, other.Available).ShouldBe((BigInteger.One, BigInteger.Zero), "an account cannot withdraw another's deposit");
    }

    [Fact]
    public async Task Zero_amounts_and_the_native_token_as_an_erc20_are_rejected()
    {
        var web3 = chain.Web3For(7);
        await Reverts.WithAsync<ZeroAmountError>(() => web3.SendAsync(chain.VaultAddress, new DepositFunction()));
        await Reverts.WithAsync<ZeroAmountError>(() => web3.SendAsync(chain.VaultAddress, new WithdrawFunction { Amount = 0 }));
        await Reverts.WithAsync<TokenNotAllowedError>(() =>
            chain.Admin.SendAsync(chain.VaultAddress, new SetTokenAllowedFunction { Token = VaultTokens.Native, Allowed = true }));
        await Reverts.WithAsync<TokenNotAllowedError>(() =>
            web3.SendAsync(chain.VaultAddress, new WithdrawTokenFunction { Token = VaultTokens.Native, Amount = 1 }));

        var token = await chain.DeployTestTokenAsync();
        await chain.Admin.SendAsync(chain.VaultAddress, new SetTokenAllowedFunction { Token = token, Allowed = true });
        await Reverts.WithAsync<ZeroAmountError>(() => Deposit(web3, token, 0));
        await Reverts.WithAsync<ZeroAmountError>(() => web3.SendAsync(chain.VaultAddress, new WithdrawTokenFunction { Token = token, Amount = 0 }));
    }

    [Fact]
    public async Task Plain_ether_sent_without_deposit_is_refused()
    {
        var web3 = chain.Web3For(7);
        var held = (await web3.Eth.GetBalance.SendRequestAsync(chain.VaultAddress)).Value;

        // preset gas skips estimation, so the revert shows as a mined, failed transaction
        var receipt = await web3.Eth.TransactionManager.SendTransactionAndWaitForReceiptAsync(new TransactionInput
        {
            From = ChainFixture.AddressOf(7),
            To = chain.VaultAddress,
            Value = new HexBigInteger(1_000),
            Gas = new HexBigInteger(100_000),
        }, TestContext.Current.CancellationToken);

        receipt.Status.Value.ShouldBe(0, "the vault has no receive function");
        (await web3.Eth.GetBalance.SendRequestAsync(chain.VaultAddress)).Value.ShouldBe(held);
    }

    [Fact]
    public async Task A_paused_vault_refuses_deposits_and_withdrawals_and_only_the_pauser_pauses()
    {
        var web3 = chain.Web3For(9);
        await web3.SendAsync(chain.VaultAddress, new DepositFunction { AmountToSend = 500 });
        (await Reverts.WithAsync<AccessControlUnauthorizedAccountError>(() => web3.SendAsync(chain.VaultAddress, new PauseFunction())))
            .Account.ShouldBe(ChainFixture.AddressOf(9), StringCompareShould.IgnoreCase);

        var snapshot = await chain.Anvil.SnapshotAsync();
        try
        {
            await chain.Admin.SendAsync(chain.VaultAddress, new PauseFunction());
            (await chain.Admin.QueryAsync<PausedFunction, bool>(chain.VaultAddress, new PausedFunction())).ShouldBeTrue();
            await Reverts.WithAsync<EnforcedPauseError>(() => web3.SendAsync(chain.VaultAddress, new DepositFunction { AmountToSend = 1 }));
            await Reverts.WithAsync<EnforcedPauseError>(() => web3.SendAsync(chain.VaultAddress, new WithdrawFunction { Amount = 1 }));

            await chain.Admin.SendAsync(chain.VaultAddress, new UnpauseFunction());
            await web3.SendAsync(chain.VaultAddress, new WithdrawFunction { Amount = 500 });
        }
        finally
        {
            (await chain.RevertAsync(snapshot)).ShouldBeTrue();
        }
    }

    private Task<TransactionReceipt> Deposit(IWeb3 web3, string token, BigInteger amount) =>
        web3.SendAsync(chain.VaultAddress, new DepositTokenFunction { Token = token, Amount = amount });

    private Task<BigInteger> VaultBalanceAsync(string account, string token) =>
        chain.Admin.QueryAsync<BalanceOfFunction, BigInteger>(chain.VaultAddress, new BalanceOfFunction { Account = account, Token = token });

    private Task<BigInteger> TokenBalanceAsync(string token, string account) =>
        chain.Admin.QueryAsync<TokenBalanceOfFunction, BigInteger>(token, new TokenBalanceOfFunction { Account = account });
}

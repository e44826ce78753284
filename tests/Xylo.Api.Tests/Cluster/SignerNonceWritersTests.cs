using JasperFx;
using Marten;
using Shouldly;
using Xylo.Api.Chain;
using Xylo.Api.Hosting;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Cluster;

/// <summary>
/// The signer's nonces have one writer at any moment whatever the number of nodes: two stores (two nodes' pools) taking
/// nonces at once, each recording its signed transaction in the same commit, end with every nonce taken exactly once
/// and none skipped; the loser of each collision retries (what Wolverine's retry policy does for the signing handler).
/// </summary>
public sealed class SignerNonceWritersTests
{
    private const string Signer = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

    [Fact]
    public async Task Two_nodes_taking_nonces_at_once_commit_each_nonce_exactly_once_with_no_gap()
    {
        var databaseUrl = await TestDatabases.CreateAsync("xylo_nonces");
        try
        {
            await using var first = XyloDatabase.Create(databaseUrl, new DatabaseOptions());
            await using var second = XyloDatabase.Create(databaseUrl, new DatabaseOptions());
            await using var nodeA = new DocumentStore(new StoreOptions().ConfigureXyloStore(first));
            await using var nodeB = new DocumentStore(new StoreOptions().ConfigureXyloStore(second));
            await nodeA.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using (var seed = nodeA.LightweightSession())
            {
                seed.Insert(new SignerNonce(Signer, 0));
                await seed.SaveChangesAsync(TestContext.Current.CancellationToken);
            }

            var collisions = 0;
            var taken = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            {
                var store = i % 2 == 0 ? nodeA : nodeB;
                while (true)
                {
                    await using var session = store.LightweightSession();
                    // The row exists, so the chain is never asked for the first nonce.
                    var nonce = await SignerNonces.TakeAsync(session, Signer, () => throw new InvalidOperationException("the chain was asked"), 1, CancellationToken.None);
                    session.Store(new SignedTransaction(SignedTransaction.IdFor(Signer, nonce), Signer, nonce, $"0x{i:x64}", "0x", $"test:{i}", DateTimeOffset.UtcNow));
                    try
                    {
                        await session.SaveChangesAsync(TestContext.Current.CancellationToken);
                        return (Writer: i, Nonce: nonce);
                    }
                    catch (ConcurrencyException)
                    {
                        Interlocked.Increment(ref collisions);
                    }
                }
            })));

            taken.Select(t => t.Nonce).Order().ShouldBe(Enumerable.Range(0, 40).Select(n => (long)n), "each nonce committed once, none skipped");
            await using var check = nodeB.QuerySession();
            (await check.LoadAsync<SignerNonce>(Signer, TestContext.Current.CancellationToken))!.Next.ShouldBe(40);
            var signed = await check.Query<SignedTransaction>().ToListAsync(TestContext.Current.CancellationToken);
            signed.Select(t => t.Nonce).Order().ShouldBe(taken.Select(t => t.Nonce).Order());
            var takerOf = taken.ToDictionary(t => t.Nonce, t => t.Writer);
            foreach (var tx in signed) tx.Purpose.ShouldBe($"test:{takerOf[tx.Nonce]}", "each nonce's bytes are its taker's");
            TestContext.Current.AddAttachment("nonce-collisions", $"{collisions} collisions retried for 40 nonces over two stores");
        }
        finally
        {
            await TestDatabases.DropAsync(databaseUrl);
        }
    }
}

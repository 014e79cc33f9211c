using System.Text.Json.Nodes;

namespace Homework.Tests.Unit.Faults;

/// <summary>
/// Issue 14, case 5: "`accept` is not all-or-nothing. With one malformed received file among
/// five, the files sorted before it were already accepted when it stopped."
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class AcceptFaults : IDisposable
{
    private readonly CliSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public void One_malformed_received_file_among_five_and_nothing_is_accepted()
    {
        var verified = Directory.EnumerateFiles(Path.Combine(sandbox.GoldenRoot, "quick"), "*.verified.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(5).ToList();
        foreach (string file in verified)
        {
            var record = JsonNode.Parse(File.ReadAllText(file))!;
            record["summary"] = "a changed summary, as a rerun on another machine writes";
            File.WriteAllText(Received(file), record.ToJsonString() + "\n");
        }
        File.WriteAllText(Received(verified[2]), "{ \"claim\": \"truncated"); // the third in sorted order
        var before = CliSandbox.Snapshot(sandbox.GoldenRoot);

        var accept = sandbox.Run("accept");

        accept.Exit.Should().Be(2, accept.ToString());
        accept.Output.Should().Contain("Accepted nothing: 1 of 5 received file(s) cannot be accepted").And.Contain(Received(verified[2]));
        CliSandbox.Snapshot(sandbox.GoldenRoot).Should().BeEquivalentTo(before, "no verified file changed and every received file is still there");

        File.Delete(Received(verified[2]));
        var again = sandbox.Run("accept");
        again.Exit.Should().Be(0, again.ToString());
        again.Output.Should().Contain("Accepted 4 file(s)");
    }

    private static string Received(string verified) => verified.Replace(".verified.json", ".received.json");
}
